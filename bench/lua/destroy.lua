-- DELETE rows of a pool that `manage.py tidy --pool N` created for this stack: each thread
-- walks its own ids (start + k * threads + tid - 1), so no id is deleted twice; a run that
-- outlasts the pool gets 404s, which the report counts as errors.
-- args: path template with %d for the id, first id of the pool, number of wrk threads
local counter = 0
local template = "/movies/%d/"
local start = 10000000
local nthreads = 1
local threads = {}
function setup(thread)
  table.insert(threads, thread)
  thread:set("tid", #threads)
end
function init(args)
  template = args[1] or template
  start = tonumber(args[2]) or start
  nthreads = tonumber(args[3]) or nthreads
end
function request()
  local id = start + counter * nthreads + (tid or 1) - 1
  counter = counter + 1
  return wrk.format("DELETE", string.format(template, id))
end
