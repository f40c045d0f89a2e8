-- bench-load-page.lua: phones opening a hazard's public page from its QR tag.
dofile(os.getenv("BENCH_SCRIPTS") .. "/bench-load-common.lua")

local hazards

function init(args)
  hazards = read_lines("hazards.txt")
  math.randomseed(os.time() * 100 + id)
end

function request()
  return wrk.format("GET", "/h/" .. hazards[math.random(#hazards)])
end
