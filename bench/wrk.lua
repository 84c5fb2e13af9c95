-- wrk script for the benchmark: POST a fixed body (args[1] = file), count GraphQL errors, and
-- print one JSON line of results (latencies in microseconds).
-- Mutation mode (args[2] = "mutation", args[3] = ids, args[4] = versions, comma-separated):
-- thread i edits ids[i], sending the version read from its previous answer.
local threads = {}
local counter = 0

function setup(thread)
  thread:set("index", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

local function split(text)
  local out = {}
  for item in string.gmatch(text, "[^,]+") do table.insert(out, item) end
  return out
end

function init(args)
  local f = assert(io.open(args[1], "rb"))
  body = f:read("*a")
  f:close()
  mode = args[2] or "read"
  errors = 0
  if mode == "mutation" then
    myid = split(args[3])[index + 1]
    myversion = split(args[4])[index + 1]
  end
  wrk.method = "POST"
  wrk.body = body
end

function request()
  if mode == "mutation" then
    local b = string.gsub(body, "__ID__", myid)
    b = string.gsub(b, "__VERSION__", myversion)
    return wrk.format(nil, nil, nil, b)
  end
  return wrk.request()
end

function response(status, headers, text)
  if status ~= 200 or string.find(text, '"errors"', 1, true) then
    errors = errors + 1
    if errors == 1 then io.stderr:write(string.sub(text, 1, 300) .. "\n") end
  end
  if mode == "mutation" then
    local v = string.match(text, '"version":%s*(%d+)')
    if v then myversion = v end
  end
end

function done(summary, latency, requests)
  local failed = 0
  for _, t in ipairs(threads) do failed = failed + t:get("errors") end
  local e = summary.errors
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "p50_us": %d, "p99_us": %d, "errors": %d, ' ..
    '"socket_errors": %d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    failed, e.connect + e.read + e.write + e.timeout + e.status))
end
