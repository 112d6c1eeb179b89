-- wrk script of the "forged-token flood" row: every request carries a NEW random credential of the
-- right shape and length, which this cluster never issued.
--   BENCH_FORGED=dynamic  X-RCMS-API-ACCESS-TOKEN: {member_id}.{43-char secret}.{23-char tag, key id 1}
--   BENCH_FORGED=cookie   Cookie: rcms_api_access_token=<same shape>; rcms_api_refresh_token=<same shape>
--   BENCH_FORGED=static   X-RCMS-API-ACCESS-TOKEN: {43-char secret} (a wrong static token)
-- The credentials are made in init, before wrk starts its clock (150,000 per thread, then reused in
-- turn), so that making them does not take the shared cores from the server while it is measured.
-- Prints the same BENCH summary line as report.lua.
local alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
-- Last character of an unpadded base64url value whose final group holds 4 bits: low 2 bits zero.
local last = "AEIMQUYcgkosw048"
local mode = os.getenv("BENCH_FORGED") or "dynamic"
local counter = 0

setup = function(thread)
  counter = counter + 1
  thread:set("id", counter)
end

local symbols = {}
for i = 1, 64 do
  symbols[i - 1] = alphabet:sub(i, i)
end

-- n random base64url characters, four per call of math.random (24 bits), so that the load generator,
-- which shares the machine's cores with the server, spends as little as it can per token.
local function chars(n)
  local t = {}
  local i = 1
  while i <= n do
    local r = math.random(0, 16777215)
    t[i] = symbols[r % 64]
    t[i + 1] = symbols[math.floor(r / 64) % 64]
    t[i + 2] = symbols[math.floor(r / 4096) % 64]
    t[i + 3] = symbols[math.floor(r / 262144)]
    i = i + 4
  end
  return table.concat(t, "", 1, n)
end

local function canonical(n)
  local k = math.random(1, 16)
  return chars(n - 1) .. last:sub(k, k)
end

local function session_token()
  -- Tag: first byte is the key id (1, the cluster's first key): 'A' then one of 'Q'..'f'.
  local k = math.random(17, 32)
  local tag = "A" .. alphabet:sub(k, k) .. canonical(21)
  return tostring(math.random(1, 999999999)) .. "." .. canonical(43) .. "." .. tag
end

local function credential()
  if mode == "cookie" then
    return "rcms_api_access_token=" .. session_token() .. "; rcms_api_refresh_token=" .. session_token()
  elseif mode == "static" then
    return canonical(43)
  else
    return session_token()
  end
end

local pool_size = 150000
local pool = {}
local next_index = 1
local header = mode == "cookie" and "Cookie" or "X-RCMS-API-ACCESS-TOKEN"

init = function(args)
  math.randomseed(os.time() * 1000 + id * 7919)
  for i = 1, pool_size do
    pool[i] = credential()
  end
end

request = function()
  wrk.headers[header] = pool[next_index]
  next_index = next_index % pool_size + 1
  return wrk.format()
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "BENCH requests=%d duration_us=%d non2xx=%d connect=%d read=%d write=%d timeout=%d p50_us=%d p90_us=%d p99_us=%d p999_us=%d max_us=%d\n",
    summary.requests, summary.duration, e.status, e.connect, e.read, e.write, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency:percentile(99.9), latency.max))
end
