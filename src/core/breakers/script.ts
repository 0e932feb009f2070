import type { Redis } from 'ioredis';
import { runScript } from '../redis/script.js';

/**
 * Every change to a breaker goes through this one script, so a transition is decided and written
 * atomically no matter how many pods record outcomes at once. Time comes from the Redis server
 * (TIME), so pods with skewed clocks still agree on when an open breaker may be probed.
 *
 * KEYS: state hash, names set, transition log
 * ARGV: op, name, channel, failureThreshold, successThreshold, resetTimeoutMs (all three '' to
 *       keep the stored ones), detail (error text or forMs), reason, actor, and the three
 *       thresholds a breaker created without its owner's gets (DEFAULT_THRESHOLDS)
 * Returns the breaker's hash as JSON (nil when `read` finds no breaker).
 */
export const BREAKER_SCRIPT = `
local key, names, log = KEYS[1], KEYS[2], KEYS[3]
local op, name, channel = ARGV[1], ARGV[2], ARGV[3]
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)

local h = {}
local raw = redis.call('HGETALL', key)
for i = 1, #raw, 2 do h[raw[i]] = raw[i + 1] end
local exists = h.state ~= nil

if not exists and (op == 'read' or op == 'attempt' or op == 'probe') and ARGV[4] == '' then
  return false
end

local changed = false
if not exists then
  h.state = 'closed'; h.failures = '0'; h.successes = '0'; h.version = '0'; h.transitions = '0'
  h.failure_threshold = ARGV[10]; h.success_threshold = ARGV[11]; h.reset_timeout_ms = ARGV[12]
  h.created_at = tostring(now)
  changed = true
end
if ARGV[4] ~= '' and (h.failure_threshold ~= ARGV[4] or h.success_threshold ~= ARGV[5] or h.reset_timeout_ms ~= ARGV[6]) then
  h.failure_threshold = ARGV[4]; h.success_threshold = ARGV[5]; h.reset_timeout_ms = ARGV[6]
  changed = true
end

local function num(field) return tonumber(h[field] or '') or 0 end

local function move(to, why, actor)
  local from = h.state
  h.state = to
  h.transitions = tostring(num('transitions') + 1)
  h.state_changed_at = tostring(now)
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

if op == 'failure' then
  h.failures = tostring(num('failures') + 1)
  h.last_error = ARGV[7]
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
  move('closed', ARGV[8] ~= '' and ARGV[8] or 'reset', ARGV[9])
  h.last_action = 'reset'; h.last_actor = ARGV[9]; h.last_action_at = tostring(now)
elseif op == 'force_open' then
  h.forced_until = tostring(now + tonumber(ARGV[7]))
  h.forced_reason = ARGV[8]
  h.forced_actor = ARGV[9]
  h.successes = '0'
  h.opened_at = tostring(now)
  move('open', 'forced: ' .. ARGV[8], ARGV[9])
  h.last_action = 'open'; h.last_actor = ARGV[9]; h.last_action_at = tostring(now)
elseif op == 'probe' then
  if h.state == 'open' then
    clearForce()
    h.successes = '0'
    move('half_open', 'probe', ARGV[9])
    h.last_action = 'probe'; h.last_actor = ARGV[9]; h.last_action_at = tostring(now)
  end
end

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
return json
`;

export type BreakerOp = 'read' | 'attempt' | 'failure' | 'success' | 'reset' | 'force_open' | 'probe';

export type BreakerHash = Record<string, string>;

/** One breaker operation; undefined when a read finds no breaker. */
export async function runBreakerScript(redis: Redis, keys: [string, string, string], args: string[]): Promise<BreakerHash | undefined> {
  const json = (await runScript(redis, BREAKER_SCRIPT, keys, args)) as string | null;
  return json ? (JSON.parse(json) as BreakerHash) : undefined;
}
