-- bench-load-common.lua: what every bench-load script shares (loaded with
-- dofile by each, in wrk's main Lua state and in every thread's).
-- BENCH_DATA: the folder bench-load-prepare wrote; BENCH_NAME: the row.

data_dir = os.getenv("BENCH_DATA")
bench_name = os.getenv("BENCH_NAME") or "?"
threads = {}
thread_count = 0

function setup(thread)
  thread:set("id", thread_count)
  thread_count = thread_count + 1
  table.insert(threads, thread)
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

-- One machine-readable line for bench-load.sh: name, requests/s, p50 and
-- p99 in ms, errors (socket errors and answers other than 2xx/3xx), and
-- whatever the script adds (extra, from the threads).
function report(summary, latency, extra)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write +
                 summary.errors.status + summary.errors.timeout
  io.write(string.format("RESULT %s %.1f %.2f %.2f %d %d %s\n", bench_name,
                         summary.requests / (summary.duration / 1e6),
                         latency:percentile(50) / 1000, latency:percentile(99) / 1000,
                         errors, summary.requests, extra or ""))
end

function done(summary, latency, requests)
  report(summary, latency)
end
