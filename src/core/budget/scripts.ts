/**
 * The budget's Lua scripts. Each runs atomically over keys that share the budget hash tag (one
 * Cluster slot), so a reservation is checked and taken against every counter it touches at once.
 *
 * A counter holds settled spend plus reservations in flight. A reservation record (hash field =
 * its id) says which counters it holds and by how much; its expiry (a sorted set scored by time)
 * lets every script reap reservations whose caller never settled: a reserved one is given back, a
 * settled one (waiting for its ledger row) is just forgotten. Ids are Redis-issued and grow with
 * time (at least server-ms x 1000), so `budget reconcile` can tell ledger rows written before and
 * after its snapshot apart.
 */

/**
 * Common start: server time, reaping of expired reservations, number checks.
 * KEYS[1] limits, [4] reservations, [5] expiry.
 */
const PRELUDE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local function integral(v) return v == false or v == nil or string.match(v, '^%-?%d+$') ~= nil end
local function reap()
  local expired = redis.call('ZRANGEBYSCORE', KEYS[5], '-inf', now, 'LIMIT', 0, 100)
  for _, id in ipairs(expired) do
    local raw = redis.call('HGET', KEYS[4], id)
    if raw then
      local ok, r = pcall(cjson.decode, raw)
      if ok and r.state == 'reserved' then
        for j, key in ipairs(r.keys) do
          if integral(redis.call('GET', key)) and redis.call('EXISTS', key) == 1 then
            redis.call('DECRBY', key, r.amounts[j])
          end
        end
      end
      redis.call('HDEL', KEYS[4], id)
    end
    redis.call('ZREM', KEYS[5], id)
  end
end
reap()
local function nextId()
  local s = redis.call('INCR', KEYS[6])
  if s < now * 1000 then
    s = now * 1000
    redis.call('SET', KEYS[6], string.format('%d', s))
  end
  return string.format('%d', s)
end
`;

/**
 * KEYS: 1 limits, 2 global freeze, 3 tenant freeze (or the global one again), 4 reservations,
 *       5 expiry, 6 sequence, 7.. counters
 * ARGV: 1 lease ms (0: take for good, no reservation record), 2 counter count, then per counter:
 *       amount, limit kind ('budget' = a field of the limits hash, 'fixed' = a number, 'none'),
 *       limit (field or number), expire-at ms
 * Returns {'ok', id, values JSON, skipped JSON} | {'frozen', freeze JSON} | {'nolimits'} |
 *         {'refused', counter index, current, limit} | {'unreadable', counter index, what}
 */
export const RESERVE_SCRIPT = `${PRELUDE}
local freeze = redis.call('GET', KEYS[2]) or redis.call('GET', KEYS[3])
if freeze then return { 'frozen', freeze } end
local lease, n = tonumber(ARGV[1]), tonumber(ARGV[2])
-- a Redis that lost its copy of budget_limits (restart, flush) must not wave calls through
if n > 0 and ARGV[4] == 'budget' and redis.call('EXISTS', KEYS[1]) == 0 then return { 'nolimits' } end
local limitsRaw = nil
local plan = {}
for i = 1, n do
  local base = 2 + (i - 1) * 4
  local key, amount, kind, limit = KEYS[6 + i], tonumber(ARGV[base + 1]), ARGV[base + 2], ARGV[base + 3]
  local raw = redis.call('GET', key)
  local hard, limitValue = false, nil
  if kind == 'fixed' then
    hard, limitValue = true, tonumber(limit)
  elseif kind == 'budget' then
    local field = redis.call('HGET', KEYS[1], limit)
    if field then
      local ok, parsed = pcall(cjson.decode, field)
      if not ok or type(parsed) ~= 'table' or type(parsed.limitUsd) ~= 'number' then
        return { 'unreadable', i, 'budget ' .. limit .. ' in the limits copy is not readable' }
      end
      if parsed.hardStop then hard, limitValue = true, math.floor(parsed.limitUsd * 1000000 + 0.5) end
    end
  end
  if not integral(raw) then
    if hard then return { 'unreadable', i, 'counter holds ' .. string.sub(raw, 1, 40) } end
    plan[i] = { skip = true }
  else
    local current = tonumber(raw or '0')
    if hard and (current >= limitValue or current + amount > limitValue) then
      return { 'refused', i, current, limitValue }
    end
    plan[i] = { key = key, amount = amount, expireAt = ARGV[base + 4] }
  end
end
local values, skipped, keys, amounts = {}, {}, {}, {}
for i = 1, n do
  local p = plan[i]
  if p.skip then
    skipped[#skipped + 1] = i
    values[i] = -1
  else
    values[i] = redis.call('INCRBY', p.key, p.amount)
    redis.call('PEXPIREAT', p.key, p.expireAt)
    keys[#keys + 1] = p.key
    amounts[#amounts + 1] = p.amount
  end
end
local id = nextId()
if lease > 0 and #keys > 0 then
  redis.call('HSET', KEYS[4], id, cjson.encode({ state = 'reserved', keys = keys, amounts = amounts }))
  redis.call('ZADD', KEYS[5], now + lease, id)
end
return { 'ok', id, cjson.encode(values), cjson.encode(skipped) }
`;

/**
 * KEYS: 1 limits, 2-3 unused, 4 reservations, 5 expiry, 6 sequence, 7.. counters
 * ARGV: 1 mode ('settle' | 'record' | 'release' | 'ack' | 'issue'), 2 id, 3 how long a
 *       settled record waits for its ledger row (ms), 4 counter count, then per counter: real
 *       amount, expire-at ms
 * settle: moves each counter from what was reserved to the real amount (a reservation already
 *   reaped is added in full), keeps a settled record until `ack` (the ledger row is written).
 * record: the same without a reservation (under an id from 'issue', so the ledger row carries it
 *   even when the reply is lost). release: gives a reservation back.
 * Returns {'ok', id, values JSON, skipped JSON, 'reserved' | 'late' | 'none'}
 */
export const SETTLE_SCRIPT = `${PRELUDE}
local mode, id, ackMs, n = ARGV[1], ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4])
if mode == 'issue' then
  -- an id held by an empty reservation: a snapshot taken before the record lands sees it in flight
  local issued = nextId()
  redis.call('HSET', KEYS[4], issued, cjson.encode({ state = 'reserved', keys = {}, amounts = {} }))
  redis.call('ZADD', KEYS[5], now + ackMs, issued)
  return { 'ok', issued, '[]', '[]', 'none' }
end
local reserved, found = {}, 'none'
if id ~= '' then
  local raw = redis.call('HGET', KEYS[4], id)
  if raw then
    local r = cjson.decode(raw)
    if r.state == 'reserved' then
      found = 'reserved'
      for j, key in ipairs(r.keys) do reserved[key] = r.amounts[j] end
    else
      found = 'settled'
    end
  elseif mode == 'settle' then
    found = 'late'
  end
end
if mode == 'ack' or mode == 'release' then
  if mode == 'release' then
    for key, amount in pairs(reserved) do
      if integral(redis.call('GET', key)) and redis.call('EXISTS', key) == 1 then redis.call('DECRBY', key, amount) end
    end
  end
  redis.call('HDEL', KEYS[4], id)
  redis.call('ZREM', KEYS[5], id)
  return { 'ok', id, '[]', '[]', found }
end
if found == 'settled' then return { 'ok', id, '[]', '[]', found } end
if mode == 'record' and id == '' then id = nextId() end
local values, skipped, keys, amounts = {}, {}, {}, {}
for i = 1, n do
  local key, amount, expireAt = KEYS[6 + i], tonumber(ARGV[3 + (i - 1) * 2 + 2]), ARGV[3 + (i - 1) * 2 + 3]
  if integral(redis.call('GET', key)) then
    local delta = amount - (reserved[key] or 0)
    values[i] = redis.call('INCRBY', key, delta)
    redis.call('PEXPIREAT', key, expireAt)
    keys[#keys + 1] = key
    amounts[#amounts + 1] = amount
  else
    skipped[#skipped + 1] = i
    values[i] = -1
  end
end
redis.call('HSET', KEYS[4], id, cjson.encode({ state = 'settled', keys = keys, amounts = amounts }))
redis.call('ZADD', KEYS[5], now + ackMs, id)
return { 'ok', id, cjson.encode(values), cjson.encode(skipped), found }
`;

/**
 * What reconcile compares with the ledger, read at one instant: the last id handed out, each
 * counter's raw value, and every reservation in flight.
 * KEYS: 1 reservations, 2 sequence, 3.. counters
 */
export const SNAPSHOT_SCRIPT = `
local values = {}
for i = 3, #KEYS do values[#values + 1] = redis.call('GET', KEYS[i]) or '' end
return { redis.call('GET', KEYS[2]) or '0', values, redis.call('HGETALL', KEYS[1]) }
`;

/**
 * Moves counters by what reconcile measured: 'by' adds a difference (calls recorded meanwhile are
 * kept); 'set' replaces a value that is not a number, only if it is still the one measured.
 * KEYS: counters. ARGV: per counter mode, amount, expected raw value ('set' only), expire-at ms.
 * Returns per counter the value after, or 'skipped: …'.
 */
export const REPAIR_SCRIPT = `
local out = {}
for i = 1, #KEYS do
  local base = (i - 1) * 4
  local mode, amount, expected, expireAt = ARGV[base + 1], ARGV[base + 2], ARGV[base + 3], ARGV[base + 4]
  local raw = redis.call('GET', KEYS[i])
  if mode == 'set' then
    if (raw or '') == expected then
      redis.call('SET', KEYS[i], amount)
      redis.call('PEXPIREAT', KEYS[i], expireAt)
      out[i] = amount
    else
      out[i] = 'skipped: changed meanwhile'
    end
  elseif raw and not string.match(raw, '^%-?%d+$') then
    out[i] = 'skipped: not a number'
  else
    out[i] = tostring(redis.call('INCRBY', KEYS[i], amount))
    redis.call('PEXPIREAT', KEYS[i], expireAt)
  end
end
return out
`;
