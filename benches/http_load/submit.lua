-- Submits drafts: each request takes the next "<token> <application id>" line of a file and
-- posts {"action":"submit"} with If-Match "1", so every draft is submitted once by its owner.
-- The threads split the lines between them.
-- wrk ... -s submit.lua URL -- <lines file> <number of threads>
--
-- Once a thread runs out of drafts it sends GET /readyz instead and counts it as `exhausted`;
-- the figures of such a run mix in other requests and must not be reported.

local threads = {}

function setup(thread)
  thread:set("thread_no", #threads)
  table.insert(threads, thread)
end

local requests = {}
local next_request = 1
local readyz
ok = 0
other = 0
exhausted = 0

function init(args)
  local thread_count = tonumber(args[2])
  local line_no = 0
  for line in io.lines(args[1]) do
    if line_no % thread_count == thread_no then
      local token, id = line:match("^(%S+) (%S+)$")
      requests[#requests + 1] = wrk.format(
        "POST",
        "/api/v1/applications/" .. id .. "/transitions",
        {
          ["Authorization"] = "Bearer " .. token,
          ["Content-Type"] = "application/json",
          ["If-Match"] = '"1"',
        },
        '{"action":"submit"}'
      )
    end
    line_no = line_no + 1
  end
  readyz = wrk.format("GET", "/readyz")
end

function request()
  local r = requests[next_request]
  if r == nil then
    exhausted = exhausted + 1
    return readyz
  end
  next_request = next_request + 1
  return r
end

function response(status, headers, body)
  if status == 200 then
    ok = ok + 1
  else
    other = other + 1
  end
end

function done(summary, latency, requests)
  local totals = { ok = 0, other = 0, exhausted = 0 }
  for _, thread in ipairs(threads) do
    for name, _ in pairs(totals) do
      totals[name] = totals[name] + thread:get(name)
    end
  end
  io.write(string.format("submit-counts ok=%d other=%d exhausted=%d\n",
    totals.ok, totals.other, totals.exhausted))
end
