-- FailoverPlan: Degraded when a readiness check fails (the controller's Ready condition is False;
-- its message names each failing check with that check's message), Healthy otherwise. A plan
-- without readiness is Healthy too: only the controller of the plan's current standby region
-- writes it, so the same plan in the primary region's cluster never gets it. Base library only.

local ready = nil
for _, c in ipairs((obj.status or {}).conditions or {}) do
  if c.type == "Ready" then ready = c end
end

if ready == nil then
  local standby = "?"
  if obj.status ~= nil and obj.status.currentRoles ~= nil then
    standby = obj.status.currentRoles.standby
  elseif obj.spec ~= nil and obj.spec.regions ~= nil then
    standby = obj.spec.regions.standby
  end
  return { status = "Healthy", message = "Readiness is checked by the controller in the standby region " .. tostring(standby) }
end
if ready.status == "False" then
  return { status = "Degraded", message = ready.message }
end
if ready.status == "True" then
  return { status = "Healthy", message = ready.message }
end
return { status = "Healthy", message = "Readiness unknown: " .. tostring(ready.message) }
