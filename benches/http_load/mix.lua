-- The read-heavy mix: 8 in 10 requests read one application (cycling through the ids in a
-- file), 2 in 10 list them, one of those plain and one filtered and sorted by score.
-- wrk ... -s mix.lua URL -- <ids file> <bearer token>

local threads_started = 0

function setup(thread)
  thread:set("thread_no", threads_started)
  threads_started = threads_started + 1
end

local gets = {}
local lists = {}
local next_get = 1
local sent = 0

function init(args)
  local headers = { ["Authorization"] = "Bearer " .. args[2] }
  for id in io.lines(args[1]) do
    gets[#gets + 1] = wrk.format("GET", "/api/v1/applications/" .. id, headers)
  end
  lists[1] = wrk.format("GET", "/api/v1/applications?limit=20", headers)
  lists[2] = wrk.format("GET", "/api/v1/applications?city=320500&sort=-score&limit=20", headers)
  next_get = (thread_no * 997) % #gets + 1
end

function request()
  sent = sent + 1
  local slot = sent % 10
  if slot == 0 then
    return lists[1]
  elseif slot == 5 then
    return lists[2]
  end
  local r = gets[next_get]
  next_get = next_get % #gets + 1
  return r
end
