-- bench-load-photo.lua: devices uploading photos, each a different blob
-- sent whole (201 when stored); each thread (of each wrk process, with
-- BENCH_PARTS) takes its own share of them.
dofile(os.getenv("BENCH_SCRIPTS") .. "/bench-load-common.lua")

local tokens, blobs, next_blob, first_blob, step

function init(args)
  tokens = read_lines("tokens.txt")
  blobs = read_lines("blobs.txt")
  step = tonumber(os.getenv("BENCH_THREADS")) * parts
  first_blob = part * tonumber(os.getenv("BENCH_THREADS")) + id + 1
  next_blob = first_blob
  math.randomseed(os.time() * 100 + id)
end

function request()
  local sha, file = blobs[next_blob]:match("^(%x+)\t(.*)$")
  local f = io.open(file, "rb")
  local bytes = f:read("*a")
  f:close()
  -- Past the last one, blobs are sent again: the server answers 409 (errors).
  next_blob = next_blob + step
  if next_blob > #blobs then next_blob = first_blob end
  local headers = bearer(tokens[math.random(#tokens)])
  headers["Content-Range"] = string.format("bytes 0-%d/%d", #bytes - 1, #bytes)
  headers["Content-Type"] = "application/octet-stream"
  return wrk.format("PUT", "/api/v1/blobs/" .. sha, headers, bytes)
end
