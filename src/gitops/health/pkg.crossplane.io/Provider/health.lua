-- Crossplane Providers: Argo CD v3.5.1's built-in check for pkg.crossplane.io/Provider. It must be
-- ours because argocd-cm's *.crossplane.io/* wildcard would otherwise shadow the built-in. Healthy
-- when Installed and Healthy are both True, else Degraded, the message being the two reasons. Until
-- Crossplane has reported both conditions it is Progressing (upstream concatenates a missing reason
-- and fails with a Lua error). Base library only.

local installed = nil
local healthy = nil
for _, condition in ipairs((obj.status or {}).conditions or {}) do
  if condition.type == "Installed" then installed = condition end
  if condition.type == "Healthy" then healthy = condition end
end

if installed == nil or healthy == nil then
  return { status = "Progressing", message = "Waiting for provider to be installed" }
end
local message = tostring(installed.reason) .. " " .. tostring(healthy.reason)
if installed.status == "True" and healthy.status == "True" then
  return { status = "Healthy", message = message }
end
return { status = "Degraded", message = message }
