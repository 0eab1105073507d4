-- GET one existing row, rotating over the 1,000 seeded ids.
-- args: path template with %d for the id, e.g. /nv/items/%d/
local counter = 0
local template = "/items/%d/"
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
  return wrk.format("GET", string.format(template, id))
end
