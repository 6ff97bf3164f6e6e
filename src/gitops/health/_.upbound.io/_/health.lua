-- Upbound providers' kinds (*.upbound.io: provider-aws managed resources and ProviderConfigs):
-- Argo CD v3.5.1's built-in check, rewritten with its no-status bug fixed. Upstream reads
-- `obj.status == nil or next(obj.status) == nil and <kind has no status>` as `status == nil or
-- (...)`, so a managed resource the provider has not observed yet is Healthy and sync waves move
-- on too early. Here it is Progressing; only ProviderConfigs, which never get conditions, are
-- Healthy without a status. Synced=False (also after Ready=True) or a failed async operation is
-- Degraded with its message. Base library only.

local function contains(list, value)
  for _, item in ipairs(list) do
    if item == value then return true end
  end
  return false
end

local has_no_status = {
  "ClusterProviderConfig",
  "ProviderConfig",
  "ProviderConfigUsage",
}

local progressing = { status = "Progressing", message = "Provisioning ..." }
local status = obj.status

if (status == nil or next(status) == nil) and contains(has_no_status, obj.kind) then
  return { status = "Healthy", message = "Resource is up-to-date." }
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
  if condition.type == "Ready" and condition.status == "True" then
    health = { status = "Healthy", message = "Resource is up-to-date." }
  end
end
return health
