-- Crossplane's own kinds (*.crossplane.io): Argo CD v3.5.1's built-in check, rewritten with its
-- no-status bug fixed. Upstream writes `obj.status == nil or next(obj.status) == nil and <kind has
-- no status>`, which Lua reads as `status == nil or (...)`: every object without a status is
-- Healthy, even one Crossplane has not looked at yet. Here only the kinds that never get a status
-- are Healthy without one; anything else without a status or conditions is Progressing.
-- Base library only.

local function contains(list, value)
  for _, item in ipairs(list) do
    if item == value then return true end
  end
  return false
end

-- Upstream's list, plus the Crossplane v2 kinds whose CRDs have no status at all.
local has_no_status = {
  "Composition",
  "CompositionRevision",
  "DeploymentRuntimeConfig",
  "ClusterProviderConfig",
  "ProviderConfig",
  "ProviderConfigUsage",
  "ControllerConfig",
  "EnvironmentConfig",
  "ImageConfig",
}

local progressing = { status = "Progressing", message = "Provisioning ..." }
local up_to_date = { status = "Healthy", message = "Resource is up-to-date." }
local status = obj.status

if (status == nil or next(status) == nil) and contains(has_no_status, obj.kind) then
  return up_to_date
end
if status == nil or next(status) == nil or status.conditions == nil then
  if (obj.kind == "ProviderConfig" or obj.kind == "ClusterProviderConfig") and status ~= nil and status.users ~= nil then
    return { status = "Healthy", message = "Resource is in use." }
  end
  return progressing
end

local health = progressing
for _, condition in ipairs(status.conditions) do
  if (condition.type == "LastAsyncOperation" or condition.type == "Synced") and condition.status == "False" then
    return { status = "Degraded", message = condition.message }
  end
  if contains({ "Ready", "Healthy", "Offered", "Established", "ValidPipeline", "RevisionHealthy" }, condition.type)
    and condition.status == "True" then
    health = up_to_date
  end
end
return health
