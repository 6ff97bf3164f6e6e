-- Failover: one execution of a FailoverPlan. Its health follows the phase the controller writes:
-- running → Progressing naming the current step, waiting for an approval or paused → Suspended,
-- Succeeded → Healthy, Failed or Cancelled → Degraded with the reason. Base library only.

local function condition(conditions, type)
  for _, c in ipairs(conditions or {}) do
    if c.type == type then return c end
  end
  return nil
end

-- The condition's message, else its reason, else the fallback.
local function said(c, fallback)
  if c ~= nil and c.message ~= nil and c.message ~= "" then return c.message end
  if c ~= nil and c.reason ~= nil then return c.reason end
  return fallback
end

local status = obj.status or {}
local conditions = status.conditions
local phase = status.phase

if phase == nil then
  return {
    status = "Progressing",
    message = "Waiting for the controller in " .. tostring(obj.spec and obj.spec.targetRegion) .. " to start it",
  }
end
if phase == "Pending" or phase == "Running" then
  local message = phase
  local journal = status.journal or {}
  for position, entry in ipairs(journal) do
    if entry.name == status.currentStep then
      message = phase .. " step " .. entry.name .. " (" .. position .. " of " .. #journal .. ")"
    end
  end
  return { status = "Progressing", message = message .. ": " .. said(condition(conditions, "Progressing"), "in progress") }
end
if phase == "AwaitingApproval" then
  return { status = "Suspended", message = "Awaiting approval: " .. said(condition(conditions, "AwaitingApproval"), "an approval is required") }
end
if phase == "Paused" then
  return { status = "Suspended", message = "Paused: " .. said(condition(conditions, "Paused"), "held before its next action") }
end
if phase == "Succeeded" then
  return { status = "Healthy", message = said(condition(conditions, "Succeeded"), "Succeeded") }
end
if phase == "Failed" or phase == "Cancelled" then
  return { status = "Degraded", message = phase .. ": " .. said(condition(conditions, phase), phase) }
end
return { status = "Unknown", message = "Unknown phase " .. tostring(phase) }
