-- POST a new movie (the flat resource); no unique column, so the body only varies by counter.
local counter = 0
function request()
  counter = counter + 1
  local body = '{"title":"Bench movie ' .. counter .. '","year":' .. (1950 + counter % 70) ..
    ',"rating":' .. (counter % 10) .. '.5,"genre":"drama"}'
  return wrk.format("POST", nil, {["Content-Type"] = "application/json"}, body)
end
