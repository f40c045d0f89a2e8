-- bench-load-pull.lua: devices pulling pages of 100 events from anywhere
-- in the log (each with its own token; a device is not sent its own).
dofile(os.getenv("BENCH_SCRIPTS") .. "/bench-load-common.lua")

local tokens, max_after

function init(args)
  tokens = read_lines("tokens.txt")
  max_after = math.max(0, tonumber(read_lines("preloaded.txt")[1]) - 200)
  math.randomseed(os.time() * 100 + id)
end

function request()
  local after = math.random(0, max_after)
  return wrk.format("GET", "/api/v1/events?after=" .. after .. "&limit=100", bearer(tokens[math.random(#tokens)]))
end
