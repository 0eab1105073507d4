-- The load test's request mix (bench/loadtest.py): 40% list, 30% retrieve, 15% create,
-- 15% partial update of the example's books, as the signed-in user `demo` (bearer token).
-- args: token, run tag (2 digits, makes ISBNs unique per run), first book id, last book id
-- Status counts per thread are merged in done() and printed as one JSON line.
local threads = {}
local token, tag, first, last = "", "00", 1, 50
local counter = 0
counts = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("tid", #threads)
end

function init(args)
  token, tag = args[1] or token, args[2] or tag
  first, last = tonumber(args[3] or first), tonumber(args[4] or last)
  math.randomseed(os.time() + (tid or 1) * 7919)
end

function request()
  counter = counter + 1
  local r = math.random(100)
  local id = math.random(first, last)
  local headers = {["Authorization"] = "Bearer " .. token}
  if r <= 40 then
    return wrk.format("GET", "/api/books/?page=" .. math.random(1, 5), headers)
  elseif r <= 70 then
    return wrk.format("GET", "/api/books/" .. id .. "/", headers)
  end
  headers["Content-Type"] = "application/json"
  if r <= 85 then
    local isbn = string.format("%s%d%010d", tag, tid or 1, counter)
    local body = '{"title":"Load ' .. counter .. '","year":2001,"isbn":"' .. isbn ..
      '","author_id":' .. math.random(1, 8) .. ',"tags":[1,2]}'
    return wrk.format("POST", "/api/books/", headers, body)
  end
  return wrk.format("PATCH", "/api/books/" .. id .. "/", headers,
    '{"year":' .. (1900 + counter % 100) .. '}')
end

function response(status, headers, body)
  counts[status] = (counts[status] or 0) + 1
end

function done(summary, latency, requests)
  local merged = {}
  for _, thread in ipairs(threads) do
    for status, n in pairs(thread:get("counts")) do
      merged[status] = (merged[status] or 0) + n
    end
  end
  local parts = {}
  for status, n in pairs(merged) do
    table.insert(parts, string.format('"%d":%d', status, n))
  end
  local e = summary.errors
  io.write(string.format(
    'LOADTEST {"requests":%d,"duration_us":%d,"p50_us":%d,"p90_us":%d,"p99_us":%d,' ..
    '"max_us":%d,"errors":{"connect":%d,"read":%d,"write":%d,"timeout":%d},"status":{%s}}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max, e.connect, e.read, e.write, e.timeout,
    table.concat(parts, ",")))
end
