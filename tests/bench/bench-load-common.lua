-- bench-load-common.lua: what every bench-load script shares (loaded with
-- dofile by each, in wrk's main Lua state and in every thread's).
-- BENCH_DATA: the folder bench-load-prepare wrote; BENCH_NAME: the row.
-- When the connections are split over several wrk processes (one per
-- server), BENCH_PART (0…) and BENCH_PARTS say which share this one is.
-- BENCH_EVERY_MS: when set, each connection behaves like one device that
-- waits a random time (uniform between 0 and twice this mean) before each
-- request, including its first: the offered rate is connections / mean
-- wait. The longest wait stays under the server's 15 s limit on an idle
-- kept connection (HEADER_TIMEOUT_S): wrk keeps its connection open while
-- it waits, and a cut would count as an error and make wrk wait twice.
-- BENCH_QUANTILES: a file for the latency quantiles (bench-load.sh merges
-- those of several wrk processes).

data_dir = os.getenv("BENCH_DATA")
bench_name = os.getenv("BENCH_NAME") or "?"
part = tonumber(os.getenv("BENCH_PART") or "0")
parts = tonumber(os.getenv("BENCH_PARTS") or "1")
threads = {}
thread_count = 0

function setup(thread)
  thread:set("id", thread_count)
  thread_count = thread_count + 1
  table.insert(threads, thread)
end

local every_ms = tonumber(os.getenv("BENCH_EVERY_MS") or "")
if every_ms ~= nil and every_ms > 0 then
  function delay()
    return math.floor(math.random() * 2 * every_ms)
  end
end

function read_lines(name)
  local lines = {}
  for line in io.lines(data_dir .. "/" .. name) do
    if #line > 0 then lines[#lines + 1] = line end
  end
  return lines
end

function bearer(token)
  return { ["Authorization"] = "Bearer " .. token }
end

-- The latency at percentiles 0.1, 0.2 … 99.9 (then 99.91 … 99.99), one
-- "percentile microseconds" line each, after a "requests N" line.
local function write_quantiles(path, latency, requests)
  local file = io.open(path, "w")
  file:write(string.format("requests %d\n", requests))
  if requests > 0 then
    for i = 1, 999 do
      file:write(string.format("%.2f %d\n", i / 10, latency:percentile(i / 10)))
    end
    for i = 1, 9 do
      file:write(string.format("%.2f %d\n", 99.9 + i / 100, latency:percentile(99.9 + i / 100)))
    end
    file:write(string.format("100.00 %d\n", latency.max))
  end
  file:close()
end

-- A clock for what a script times itself (LuaJIT's ffi), in microseconds.
local ffi = require("ffi")
ffi.cdef[[
  typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
  int clock_gettime (int clock, bench_timespec *ts);
]]
local now_ts = ffi.new("bench_timespec")
function now_us()
  ffi.C.clock_gettime(1, now_ts)   -- CLOCK_MONOTONIC
  return tonumber(now_ts.tv_sec) * 1000000 + math.floor(tonumber(now_ts.tv_nsec) / 1000)
end

-- Latencies a script measured itself (a sorted list, µs) in the shape of
-- wrk's latency statistics, as far as report() needs them.
function own_latency(sorted)
  return {
    max = sorted[#sorted] or 0,
    percentile = function(self, p)
      if #sorted == 0 then return 0 end
      return sorted[math.max(1, math.min(#sorted, math.ceil(p / 100 * #sorted)))]
    end,
  }
end

-- One machine-readable line for bench-load.sh: name, requests/s, p50 and
-- p99 in ms, errors (socket errors and answers other than 2xx/3xx),
-- requests, and whatever the script adds (extra, from the threads).
-- With own (a sorted list of latencies the script measured, µs), the row
-- is about those requests only: their count, rate and latency.
function report(summary, latency, extra, own)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write +
                 summary.errors.status + summary.errors.timeout
  local quantiles = os.getenv("BENCH_QUANTILES")
  local count = summary.requests
  if own ~= nil then
    latency = own_latency(own)
    count = #own
  end
  if quantiles ~= nil and quantiles ~= "" then write_quantiles(quantiles, latency, count) end
  io.write(string.format("RESULT %s %.1f %.2f %.2f %d %d %s\n", bench_name,
                         count / (summary.duration / 1e6),
                         latency:percentile(50) / 1000, latency:percentile(99) / 1000,
                         errors, count, extra or ""))
end

function done(summary, latency, requests)
  report(summary, latency)
end
