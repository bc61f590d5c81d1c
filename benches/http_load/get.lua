-- GET /api/v1/applications/{id}, cycling through the ids in a file.
-- wrk ... -s get.lua URL -- <ids file> <bearer token>

local threads_started = 0

function setup(thread)
  thread:set("thread_no", threads_started)
  threads_started = threads_started + 1
end

local requests = {}
local next_request = 1

function init(args)
  local headers = { ["Authorization"] = "Bearer " .. args[2] }
  -- Formatted once here: building each request in request() would cost the client CPU that
  -- the server, on the same cores, should get.
  for id in io.lines(args[1]) do
    requests[#requests + 1] = wrk.format("GET", "/api/v1/applications/" .. id, headers)
  end
  -- Apart, so that the threads do not read the same rows in step.
  next_request = (thread_no * 997) % #requests + 1
end

function request()
  local r = requests[next_request]
  next_request = next_request % #requests + 1
  return r
end
