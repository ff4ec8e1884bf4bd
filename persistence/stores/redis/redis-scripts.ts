/**
 * The Lua scripts of the Redis store: each runs atomically on the server, so a check and the
 * write it guards cannot be separated by another client's command.
 *
 * Layout under the store's prefix P (`P:` below):
 * - `P:b:<key>` a blob's head: 0x00 + the bytes, or 0x01 + JSON `{"id","n","size"}` naming the
 *   chunks `P:c:<id>:<i>` (written first with a one-hour expiry, made persistent by the head's
 *   put, so a writer killed halfway leaves nothing that lasts);
 * - `P:keys` a sorted set of every blob key (score 0: ordered by bytes, for list by prefix);
 * - `P:r:<key>` a record: hash `{ v: version, j: JSON }`;
 * - `P:l:<name>` a held lease: `{"token","owner","acquiredAt","expiresAt"}` with PX = its TTL;
 *   `P:t:<name>` its token counter (never expires, so tokens are never reused; a grant takes at
 *   least the server's clock in ms, so tokens keep increasing when a Redis restarted without
 *   persistence lost the counter);
 *   `P:leases` a sorted set of lease names.
 */

/** Lua: the chunk keys a head names (none for an inline head). ARGV[4] is `P:c:`. */
const CHUNKS = `
local function chunks(head, base)
  if string.byte(head, 1) ~= 1 then return {} end
  local m = cjson.decode(string.sub(head, 2))
  local keys = {}
  for i = 0, m.n - 1 do keys[#keys + 1] = base .. m.id .. ':' .. i end
  return keys
end`

/**
 * Put a head. KEYS: head, key index, fence counter. ARGV: head bytes, key, fence token (-1 for
 * none), chunk base. Returns {1, 0} when written, {0, current token} when the fence is stale,
 * {2, i} when chunk i expired before the head was put.
 */
export const PUT = `${CHUNKS}
local fence = tonumber(ARGV[3])
if fence >= 0 then
  local current = tonumber(redis.call('GET', KEYS[3]) or '0')
  if current > fence then return {0, current} end
end
local mine = chunks(ARGV[1], ARGV[4])
for i, k in ipairs(mine) do
  if redis.call('EXISTS', k) == 0 then return {2, i - 1} end
end
for _, k in ipairs(mine) do redis.call('PERSIST', k) end
local old = redis.call('GET', KEYS[1])
if old then for _, k in ipairs(chunks(old, ARGV[4])) do redis.call('DEL', k) end end
redis.call('SET', KEYS[1], ARGV[1])
redis.call('ZADD', KEYS[2], 0, ARGV[2])
return {1, 0}`

/** Delete a blob and its chunks. KEYS: head, key index. ARGV: key, chunk base. */
export const DELETE = `${CHUNKS}
local old = redis.call('GET', KEYS[1])
if old then for _, k in ipairs(chunks(old, ARGV[2])) do redis.call('DEL', k) end end
redis.call('DEL', KEYS[1])
redis.call('ZREM', KEYS[2], ARGV[1])
return 1`

/** Compare-and-set a record. KEYS: record. ARGV: expected version, JSON. Returns 1 when written. */
export const COMPARE_AND_SET = `
local v = tonumber(redis.call('HGET', KEYS[1], 'v') or '0')
if v ~= tonumber(ARGV[1]) then return 0 end
redis.call('HSET', KEYS[1], 'v', v + 1, 'j', ARGV[2])
return 1`

/**
 * Grant a lease when it is still as the client saw it (the client decided, with the same-host
 * pid probe Redis cannot do, that it may take it). KEYS: lease, token counter, lease index.
 * ARGV: the value seen ('' = none), owner JSON, acquiredAt, expiresAt, TTL ms, name. Returns
 * the new value, or false when the lease changed meanwhile. SET NX when it was free, XX when
 * taken over; PX makes Redis drop it once its TTL passed, by the server's clock.
 */
export const GRANT = `
local cur = redis.call('GET', KEYS[1])
if ARGV[1] == '' then
  if cur then return false end
elseif cur ~= ARGV[1] then return false end
-- At least the server's time in ms: a Redis that restarted without persistence lost this
-- counter, and a counter starting at 1 again would grant tokens lower than the fence a stale
-- runner still writes with, so fencing would no longer hold.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local token = redis.call('INCR', KEYS[2])
if token < now then
  token = now
  redis.call('SET', KEYS[2], string.format('%d', token))
end
local value = '{"token":' .. string.format('%d', token) .. ',"owner":' .. ARGV[2] .. ',"acquiredAt":' .. ARGV[3] .. ',"expiresAt":' .. ARGV[4] .. '}'
local ok = redis.call('SET', KEYS[1], value, ARGV[1] == '' and 'NX' or 'XX', 'PX', ARGV[5])
if not ok then return false end
redis.call('ZADD', KEYS[3], 0, ARGV[6])
return value`

/**
 * Renew a grant: only while the lease is still this grant (its value starts with the grant's
 * `{"token":T,"owner":O,`). KEYS: lease. ARGV: that identity, expiresAt, TTL ms, acquiredAt.
 * Returns 1 when renewed.
 */
export const RENEW = `
local cur = redis.call('GET', KEYS[1])
if not cur or string.sub(cur, 1, #ARGV[1]) ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[1] .. '"acquiredAt":' .. ARGV[4] .. ',"expiresAt":' .. ARGV[2] .. '}', 'XX', 'PX', ARGV[3])
return 1`

/** Release a grant: only while it is still this grant. KEYS: lease, lease index. ARGV: identity, name. */
export const RELEASE = `
local cur = redis.call('GET', KEYS[1])
if cur and string.sub(cur, 1, #ARGV[1]) == ARGV[1] then
  redis.call('DEL', KEYS[1])
  redis.call('ZREM', KEYS[2], ARGV[2])
end
return 1`

/**
 * Every held lease as [name, value, …] in name order; names whose lease expired are dropped
 * from the index in the same step. KEYS: lease index. ARGV: `P:l:`.
 */
export const LEASES = `
local names = redis.call('ZRANGE', KEYS[1], 0, -1)
local out = {}
for _, n in ipairs(names) do
  local v = redis.call('GET', ARGV[1] .. n)
  if v then out[#out + 1] = n; out[#out + 1] = v else redis.call('ZREM', KEYS[1], n) end
end
return out`
