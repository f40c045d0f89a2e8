-- bench-load-push.lua: enrolled devices pushing batches that continue their
-- own chains. A device has one batch in flight at a time (its next batch
-- links to this one), so each thread keeps its devices free or busy; the
-- answer names the batch's first event, which says whose it was. A batch
-- is never sent twice during the run; those without an answer when wrk
-- stops (still in flight, or refused with an error) are written to
-- BENCH_INFLIGHT, for bench-load.sh to send once more afterwards, so that
-- the server's final count can be checked exactly. With several wrk
-- processes (BENCH_PARTS), each has its own devices: a chain is never sent
-- by two. BENCH_PROGRESS: a file with each device's next batch, read at
-- the start and written at the end, so that a later run (the paced one)
-- continues the chains where this one stopped.
--
-- Paced (BENCH_EVERY_MS, the devices' mixed sync): each request is a push
-- with probability BENCH_PUSH_SHARE, else a pull of 100 events (devices
-- pull more than they push); the row is about the pushes alone, timed by
-- this script from request() to response() (their answer names their
-- batch), so a push rate far below one per connection per 15 s can be
-- offered on kept connections.
dofile(os.getenv("BENCH_SCRIPTS") .. "/bench-load-common.lua")

local devices, free, by_first
local batch_events
inflight = {}    -- first event id -> "token<TAB>body", until its answer
accepted = 0     -- events acknowledged (read by done through thread:get)
refused = 0      -- batches with a refused event
lost = 0         -- answers that were not a push's 200: their device is retired
starved = 0      -- requests made when no device was free (sent as a pull)
progress = {}    -- device -> its next batch, once it moved (for BENCH_PROGRESS)
pulls = 0        -- pulls in the paced mix
push_latency = {}  -- µs of each answered push, when paced
local sent_at = {}   -- first event id -> when its push went out
local push_share, max_after, pull_tokens

function init(args)
  local n_threads = tonumber(os.getenv("BENCH_THREADS"))
  local progress_path = os.getenv("BENCH_PROGRESS")
  local mine = part * n_threads + id
  batch_events = tonumber(os.getenv("BENCH_BATCH_EVENTS"))
  devices, free, by_first = {}, {}, {}
  for line in io.lines(data_dir .. "/push.txt") do
    local d, token, body = line:match("^(%d+)\t(%x+)\t(.*)$")
    d = tonumber(d)
    if d and d % (n_threads * parts) == mine then
      local device = devices[d]
      if device == nil then
        device = { token = token, batches = {}, next = 1 }
        devices[d] = device
        free[#free + 1] = d
      end
      device.batches[#device.batches + 1] = body
    end
  end
  local file = progress_path and io.open(progress_path, "r")
  if file then
    for line in file:lines() do
      local d, next_batch = line:match("^(%d+)\t(%d+)$")
      d = tonumber(d)
      if d and devices[d] then
        devices[d].next = tonumber(next_batch)
        progress[d] = devices[d].next
      end
    end
    file:close()
  end
  push_share = tonumber(os.getenv("BENCH_PUSH_SHARE") or "1")
  if push_share < 1 then
    pull_tokens = read_lines("tokens.txt")
    max_after = math.max(0, tonumber(read_lines("preloaded.txt")[1]) - 200)
  end
  math.randomseed(os.time() * 100 + id)
end

function request()
  if push_share < 1 and math.random() >= push_share then
    pulls = pulls + 1
    return wrk.format("GET", "/api/v1/events?after=" .. math.random(0, max_after) .. "&limit=100",
                      bearer(pull_tokens[math.random(#pull_tokens)]))
  end
  while #free > 0 do
    local i = math.random(#free)
    local d = free[i]
    local device = devices[d]
    free[i] = free[#free]
    free[#free] = nil
    if device.next <= #device.batches then
      local body = device.batches[device.next]
      local first = body:match('"id":"([^"]+)"')
      by_first[first] = d
      inflight[first] = device.token .. "\t" .. body
      device.next = device.next + 1
      progress[d] = device.next
      if push_share < 1 then sent_at[first] = now_us() end
      local headers = bearer(device.token)
      headers["Content-Type"] = "application/json"
      return wrk.format("POST", "/api/v1/events", headers, body)
    end
  end
  starved = starved + 1
  return wrk.format("GET", "/api/v1/events?after=0&limit=1", bearer(devices[next(devices)].token))
end

function response(status, headers, body)
  if status == 200 and body:find('"events"', 1, true) then return end   -- a starved request's pull
  local first = status == 200 and body:match('"id":"([^"]+)"')
  local d = first and by_first[first]
  if d == nil then
    lost = lost + 1
    return
  end
  by_first[first] = nil
  inflight[first] = nil
  if sent_at[first] ~= nil then
    push_latency[#push_latency + 1] = now_us() - sent_at[first]
    sent_at[first] = nil
  end
  local n_refused = tonumber(body:match('"refused":(%d+)'))
  accepted = accepted + batch_events - n_refused
  if n_refused > 0 then refused = refused + 1 end
  free[#free + 1] = d
end

function done(summary, latency, requests)
  local total = { accepted = 0, refused = 0, lost = 0, starved = 0, pulls = 0 }
  for _, thread in ipairs(threads) do
    for key, _ in pairs(total) do total[key] = total[key] + thread:get(key) end
  end
  local file = io.open(os.getenv("BENCH_INFLIGHT"), "w")
  local unanswered = 0
  for _, thread in ipairs(threads) do
    for _, line in pairs(thread:get("inflight")) do
      file:write(line, "\n")
      unanswered = unanswered + 1
    end
  end
  file:close()
  local progress_path = os.getenv("BENCH_PROGRESS")
  if progress_path then
    file = io.open(progress_path, "w")
    for _, thread in ipairs(threads) do
      for d, next_batch in pairs(thread:get("progress")) do file:write(d, "\t", next_batch, "\n") end
    end
    file:close()
  end
  local own = nil
  if tonumber(os.getenv("BENCH_PUSH_SHARE") or "1") < 1 then
    own = {}
    for _, thread in ipairs(threads) do
      for _, us in ipairs(thread:get("push_latency")) do own[#own + 1] = us end
    end
    table.sort(own)
  end
  report(summary, latency, string.format("accepted=%d refused=%d lost=%d starved=%d unanswered=%d pulls=%d",
                                         total.accepted, total.refused, total.lost, total.starved, unanswered,
                                         total.pulls), own)
end
