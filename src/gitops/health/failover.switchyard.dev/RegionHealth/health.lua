-- RegionHealth: what one vantage point sees of one region. Degraded when a probe signal is
-- failing (naming each with its message), Healthy otherwise. An object no controller has probed
-- yet is Healthy: only the controller of its vantage writes it, and the same object is published
-- to clusters that do not run that vantage. Base and table libraries only.

local status = obj.status or {}
local signals = status.signals or {}
local vantage = tostring(obj.spec and obj.spec.vantage)
local region = tostring(obj.spec and obj.spec.region)

local failing = {}
for _, signal in ipairs(signals) do
  if signal.healthy == false then
    local text = signal.name
    if signal.message ~= nil and signal.message ~= "" then text = text .. ": " .. signal.message end
    table.insert(failing, text)
  end
end

if #failing > 0 then
  return { status = "Degraded", message = region .. " from " .. vantage .. ": " .. table.concat(failing, "; ") }
end
if #signals == 0 then
  return { status = "Healthy", message = region .. " not probed yet; the controller of vantage " .. vantage .. " writes the signals" }
end
return { status = "Healthy", message = region .. " from " .. vantage .. ": " .. #signals .. " signals healthy" }
