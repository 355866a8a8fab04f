-- wrk script for bench/http.sh: POST pre-generated bodies to an intake-edge endpoint.
--
--   BODY_FILE=bodies INTAKE_KEY=... [CONTENT_TYPE=application/json] [STATUS_DETAIL=1] \
--     wrk -t1 -c16 -d10s -s bench/wrk/post.lua https://127.0.0.1:PORT/plain/batch
--
-- BODY_FILE holds request bodies separated by NUL bytes (bench/gen_events.py). Every request
-- is formatted once per thread in init(); request() only hands out the next prepared string,
-- so the client spends its CPU on TLS and I/O, not on Lua.
-- done() prints one machine-readable line (prefix "WRK_RESULT"), latencies in microseconds.
-- errors_status is wrk's own count of responses with status > 399. STATUS_DETAIL=1 also
-- defines response() to count every non-2xx status (costs client CPU: wrk then copies
-- every response body into Lua).

local body_file = os.getenv("BODY_FILE") or error("BODY_FILE is not set")
local intake_key = os.getenv("INTAKE_KEY") or error("INTAKE_KEY is not set")
local content_type = os.getenv("CONTENT_TYPE")
local status_detail = os.getenv("STATUS_DETAIL") == "1"

-- main state (setup/done): remember the threads to collect per-thread counters in done()
local threads = {}
local next_id = 0

function setup(thread)
  thread:set("thread_id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

-- thread state
local requests = {}
local idx = 0
non2xx = 0
codes = ""        -- "503:12 413:1", filled in on demand
local code_counts = {}

local function split_nul(data)
  local out, pos = {}, 1
  while true do
    local z = string.find(data, "\0", pos, true)
    if not z then
      table.insert(out, string.sub(data, pos))
      return out
    end
    table.insert(out, string.sub(data, pos, z - 1))
    pos = z + 1
  end
end

function init(args)
  local f = assert(io.open(body_file, "rb"))
  local data = f:read("*a")
  f:close()
  local headers = { ["X-SEKOIAIO-INTAKE-KEY"] = intake_key }
  if content_type and content_type ~= "" then
    headers["Content-Type"] = content_type
  end
  for _, body in ipairs(split_nul(data)) do
    table.insert(requests, wrk.format("POST", nil, headers, body))
  end
  -- threads start at different bodies so they don't send the same sequence in lockstep
  idx = (thread_id or 0) % #requests
end

function request()
  idx = idx + 1
  if idx > #requests then idx = 1 end
  return requests[idx]
end

if status_detail then
  function response(status, headers, body)
    if status < 200 or status > 299 then
      non2xx = non2xx + 1
      code_counts[status] = (code_counts[status] or 0) + 1
      local parts = {}
      for c, n in pairs(code_counts) do table.insert(parts, c .. ":" .. n) end
      codes = table.concat(parts, ",")
    end
  end
end

function done(summary, latency, _)
  local n2, by_code, cs = 0, {}, {}
  for _, t in ipairs(threads) do
    n2 = n2 + (tonumber(t:get("non2xx")) or 0)
    for c, n in string.gmatch(t:get("codes") or "", "(%d+):(%d+)") do
      by_code[c] = (by_code[c] or 0) + tonumber(n)
    end
  end
  for c, n in pairs(by_code) do table.insert(cs, c .. ":" .. n) end
  table.sort(cs)
  local e = summary.errors
  io.write(string.format(
    "WRK_RESULT requests=%d duration_us=%d bytes=%d errors_connect=%d errors_read=%d " ..
    "errors_write=%d errors_status=%d errors_timeout=%d non2xx_detail=%s codes=%s " ..
    "p50_us=%d p90_us=%d p99_us=%d max_us=%d\n",
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status,
    e.timeout, status_detail and tostring(n2) or "-", #cs > 0 and table.concat(cs, ",") or "-",
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
