-- PATCH one field (rating) of an existing movie, rotating over the 1,000 seeded ids.
-- args: path template with %d for the id, e.g. /nv/movies/%d/
local counter = 0
local template = "/movies/%d/"
local threads = {}
function setup(thread)
  table.insert(threads, thread)
  thread:set("tid", #threads)
end
function init(args)
  template = args[1] or template
end
function request()
  counter = counter + 1
  local id = (counter * 7 + (tid or 1) * 131) % 1000 + 1
  local body = '{"rating":' .. (counter % 10) .. '.25}'
  return wrk.format("PATCH", string.format(template, id),
    {["Content-Type"] = "application/json"}, body)
end
