import { runScript } from '../redis/script.js';
import type { RedisClient } from '../redis/client.js';

/**
 * Every change to a breaker goes through this one script, so a transition is decided and written
 * atomically no matter how many pods record outcomes at once. Time comes from the Redis server
 * (TIME), so pods with skewed clocks still agree on when an open breaker may be probed.
 *
 * Thresholds have one owner: they are written when the breaker is created (with the creator's or
 * the default ones) and afterwards only by op `set`; a process asking for others changes nothing
 * (it sees the stored ones in the reply and reports the difference).
 *
 * Half-open admits at most `half_open_max_calls` trial calls fleet-wide: op `attempt` claims a
 * lease (an expiry time in `trial_leases`), refused once all are taken. A lease ends with the
 * trial's outcome, or by itself after reset_timeout_ms if its caller died.
 *
 * KEYS: state hash, names set, transition log (one hash tag: one Cluster slot)
 * ARGV: op, name, channel, failureThreshold, successThreshold, resetTimeoutMs, halfOpenMaxCalls
 *       (all four '' when the caller asks for none), detail (error text or forMs), reason, actor,
 *       and the four defaults a breaker created without its owner's gets
 * Returns { hash as JSON (nil when `read` finds no breaker), admitted 1/0 }.
 */
export const BREAKER_SCRIPT = `
local key, names, log = KEYS[1], KEYS[2], KEYS[3]
local op, name, channel = ARGV[1], ARGV[2], ARGV[3]
local asked = ARGV[4] ~= ''
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)

local h = {}
local raw = redis.call('HGETALL', key)
for i = 1, #raw, 2 do h[raw[i]] = raw[i + 1] end
local exists = h.state ~= nil

if not exists and (op == 'read' or op == 'attempt' or op == 'probe') and not asked then
  return { false, 0 }
end

local changed = false
local function setThresholds(a, b, c, d)
  h.failure_threshold = a; h.success_threshold = b; h.reset_timeout_ms = c; h.half_open_max_calls = d
end
if not exists then
  h.state = 'closed'; h.failures = '0'; h.successes = '0'; h.version = '0'; h.transitions = '0'
  if asked then setThresholds(ARGV[4], ARGV[5], ARGV[6], ARGV[7])
  else setThresholds(ARGV[11], ARGV[12], ARGV[13], ARGV[14]) end
  h.created_at = tostring(now)
  changed = true
elseif op == 'set' then
  setThresholds(ARGV[4], ARGV[5], ARGV[6], ARGV[7])
  h.last_action = 'set'; h.last_actor = ARGV[10]; h.last_action_at = tostring(now)
  changed = true
end
if h.half_open_max_calls == nil then h.half_open_max_calls = ARGV[14]; changed = true end

local function num(field) return tonumber(h[field] or '') or 0 end

-- leases of half-open trial calls still running; an expired one's caller is presumed gone
local leases = {}
if h.trial_leases and h.trial_leases ~= '' then
  for _, expiry in ipairs(cjson.decode(h.trial_leases)) do
    if expiry > now then leases[#leases + 1] = expiry else changed = true end
  end
end
local function saveLeases()
  if #leases == 0 then h.trial_leases = '' else h.trial_leases = cjson.encode(leases) end
end

local function move(to, why, actor)
  local from = h.state
  h.state = to
  h.transitions = tostring(num('transitions') + 1)
  h.state_changed_at = tostring(now)
  leases = {}
  redis.call('LPUSH', log, cjson.encode({ at = now, from = from, to = to, reason = why, actor = actor or '' }))
  redis.call('LTRIM', log, 0, 49)
  changed = true
end

local function clearForce()
  h.forced_until = ''; h.forced_reason = ''; h.forced_actor = ''
end

-- Time-driven transitions happen on the first operation that notices them.
local forcedUntil = num('forced_until')
if forcedUntil > 0 and now >= forcedUntil then
  clearForce()
  h.successes = '0'
  move('half_open', 'forced open expired', 'system')
elseif h.state == 'open' and forcedUntil == 0 and now >= num('opened_at') + num('reset_timeout_ms') then
  h.successes = '0'
  move('half_open', 'reset timeout elapsed', 'system')
end

local admitted = 0
if op == 'attempt' then
  if h.state == 'closed' then
    admitted = 1
  elseif h.state == 'half_open' and #leases < math.max(num('half_open_max_calls'), 1) then
    leases[#leases + 1] = now + math.max(num('reset_timeout_ms'), 1000)
    admitted = 1
    changed = true
  end
elseif op == 'failure' then
  h.failures = tostring(num('failures') + 1)
  h.last_error = ARGV[8]
  h.last_failure_at = tostring(now)
  if h.state == 'closed' and num('failures') >= num('failure_threshold') then
    h.opened_at = tostring(now)
    move('open', num('failures') .. ' failures in a row', 'system')
  elseif h.state == 'half_open' then
    h.opened_at = tostring(now)
    h.successes = '0'
    move('open', 'a trial call failed while half-open', 'system')
  end
  changed = true
elseif op == 'success' then
  if h.state == 'closed' then
    if num('failures') > 0 then h.failures = '0'; changed = true end
  elseif h.state == 'half_open' then
    table.remove(leases, 1)
    h.successes = tostring(num('successes') + 1)
    if num('successes') >= num('success_threshold') then
      h.failures = '0'; h.successes = '0'; h.opened_at = ''
      move('closed', num('success_threshold') .. ' trial calls succeeded', 'system')
    end
    changed = true
  end
elseif op == 'reset' then
  clearForce()
  h.failures = '0'; h.successes = '0'; h.opened_at = ''
  move('closed', ARGV[9] ~= '' and ARGV[9] or 'reset', ARGV[10])
  h.last_action = 'reset'; h.last_actor = ARGV[10]; h.last_action_at = tostring(now)
elseif op == 'force_open' then
  h.forced_until = tostring(now + tonumber(ARGV[8]))
  h.forced_reason = ARGV[9]
  h.forced_actor = ARGV[10]
  h.successes = '0'
  h.opened_at = tostring(now)
  move('open', 'forced: ' .. ARGV[9], ARGV[10])
  h.last_action = 'open'; h.last_actor = ARGV[10]; h.last_action_at = tostring(now)
elseif op == 'probe' then
  if h.state == 'open' then
    clearForce()
    h.successes = '0'
    move('half_open', 'probe', ARGV[10])
    h.last_action = 'probe'; h.last_actor = ARGV[10]; h.last_action_at = tostring(now)
  end
end
saveLeases()

if changed then
  h.version = tostring(num('version') + 1)
  h.updated_at = tostring(now)
  local flat = {}
  for k, v in pairs(h) do flat[#flat + 1] = k; flat[#flat + 1] = v end
  redis.call('HSET', key, unpack(flat))
  redis.call('SADD', names, name)
end
local json = cjson.encode(h)
if changed then redis.call('PUBLISH', channel, cjson.encode({ name = name, hash = h })) end
return { json, admitted }
`;

export type BreakerOp = 'read' | 'attempt' | 'failure' | 'success' | 'reset' | 'force_open' | 'probe' | 'set';

export type BreakerHash = Record<string, string>;

export interface BreakerReply {
  /** undefined when a read finds no breaker */
  hash: BreakerHash | undefined;
  /** op attempt: this caller may make the call (closed, or it holds a half-open trial lease) */
  admitted: boolean;
}

/** One breaker operation. */
export async function runBreakerScript(
  redis: RedisClient,
  keys: [string, string, string],
  args: string[],
): Promise<BreakerReply> {
  const [json, admitted] = (await runScript(redis, BREAKER_SCRIPT, keys, args)) as [string | null, number];
  return { hash: json ? (JSON.parse(json) as BreakerHash) : undefined, admitted: admitted === 1 };
}
