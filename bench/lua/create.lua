-- POST a new row; the sku (unique) is <prefix>-<thread>-<counter>, so never repeats.
-- args: sku prefix (unique per wrk run)
local counter = 0
local prefix = "wrk"
local threads = {}
function setup(thread)
  table.insert(threads, thread)
  thread:set("tid", #threads)
end
function init(args)
  prefix = args[1] or prefix
end
function request()
  counter = counter + 1
  local sku = prefix .. "-" .. (tid or 1) .. "-" .. counter
  local body = '{"name":"Bench item ' .. counter .. '","sku":"' .. sku ..
    '","price":"12.50","quantity":3,"active":true,"description":"Created by wrk",' ..
    '"category_id":' .. (counter % 10 + 1) .. '}'
  return wrk.format("POST", nil, {["Content-Type"] = "application/json"}, body)
end
