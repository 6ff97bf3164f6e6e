-- Switchyard's estate XRs (Crossplane v2 composite resources of platform.switchyard.dev).
-- Synced=False → Degraded with its message, also after Ready=True (a failed reconcile keeps the
-- Ready of the last good one); Ready=True → Healthy; anything else, including no status or no
-- conditions yet, → Progressing with Ready's message (the unready composed resources). Base
-- library only.

local synced = nil
local ready = nil
for _, c in ipairs((obj.status or {}).conditions or {}) do
  if c.type == "Synced" then synced = c end
  if c.type == "Ready" then ready = c end
end

if synced ~= nil and synced.status == "False" then
  return { status = "Degraded", message = synced.message or synced.reason }
end
if ready ~= nil and ready.status == "True" then
  return { status = "Healthy", message = "Available" }
end
if ready ~= nil and ready.message ~= nil and ready.message ~= "" then
  return { status = "Progressing", message = ready.message }
end
if ready ~= nil then
  return { status = "Progressing", message = ready.reason }
end
return { status = "Progressing", message = "Waiting for Crossplane to compose the resources" }
