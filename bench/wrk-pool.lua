-- wrk driving a pool of pre-built HTTP requests (bench/wrk-pool.ts writes the pool and reads the
-- summary line). Arguments after `--`: the pool file (each request as "<byte length>\n<bytes>"),
-- "wrap" or "once" (whether the pool may be sent again from its start: never for claims, each a new
-- user's), and the text every answer's body must contain. Each thread sends the pool from its start;
-- run one thread (-t1) when the pool must not repeat.
-- Every answer is read: one that is not HTTP 200 with the expected text is counted, the first kept.
-- CPU: os.clock() is the process's CPU time (all threads); taken after the pool is loaded and again in
-- done(), so loading the pool is not counted against the generator.

local requests, count, at = {}, 0, 0
local wrap, expected = false, ""
unexpected, exhausted, first, cpu_after_init = 0, 0, "", 0

function init(args)
  local file = assert(io.open(args[1], "rb"))
  local data = file:read("*a")
  file:close()
  local pos = 1
  while pos <= #data do
    local newline = string.find(data, "\n", pos, true)
    local length = tonumber(string.sub(data, pos, newline - 1))
    count = count + 1
    requests[count] = string.sub(data, newline + 1, newline + length)
    pos = newline + length + 1
  end
  wrap = args[2] == "wrap"
  expected = args[3] or ""
  cpu_after_init = os.clock()
end

function request()
  at = at + 1
  if at > count then
    if wrap then
      at = 1
    else
      -- Out of unique requests: the run is void (the bench runs it again with a larger pool).
      exhausted = 1
      at = count
      wrk.thread:stop()
    end
  end
  return requests[at]
end

function response(status, headers, body)
  if status ~= 200 or not string.find(body, expected, 1, true) then
    unexpected = unexpected + 1
    if first == "" then first = "HTTP " .. status .. ": " .. string.sub(body, 1, 300) end
  end
end

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function done(summary, latency, requests_stats)
  local bad, out_of_pool, sample, init_cpu = 0, 0, "", 0
  for _, thread in ipairs(threads) do
    bad = bad + thread:get("unexpected")
    out_of_pool = out_of_pool + thread:get("exhausted")
    init_cpu = math.max(init_cpu, thread:get("cpu_after_init"))
    if sample == "" then sample = thread:get("first") end
  end
  local e = summary.errors
  io.write(string.format(
    "promoproof-wrk answers=%d duration_us=%d unexpected=%d exhausted=%d errors=%d cpu_us=%d\n",
    summary.requests, summary.duration, bad, out_of_pool, e.connect + e.read + e.write + e.timeout,
    math.floor((os.clock() - init_cpu) * 1e6)))
  io.write("promoproof-wrk-first " .. string.gsub(sample, "[\r\n]", " ") .. "\n")
end
