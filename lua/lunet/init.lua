-- lunet's Lua-side library: documentation for Lua-defined functions and
-- small helpers shared by the other lunet.* modules.
local lunet = {}

local registry = debug.getregistry()
registry["lunet.docs"] = registry["lunet.docs"] or setmetatable({}, {__mode = "k"})

--- Attaches help text to a Lua value (usually a function), shown by help(value).
function lunet.document(value, signature, text)
  registry["lunet.docs"][value] = signature .. "\n  " .. text
  return value
end
lunet.document(lunet.document, "lunet.document(value, signature, text)",
  "Attaches help text to a Lua value; help(value) prints it.")

--- The text help(x) prints.
lunet.doc = __lunet_doc
__lunet_doc = nil

local check = __lunet_check_options
__lunet_check_options = nil
--- Checks an options table as the Swift bindings check theirs; errors point at the caller's caller.
function lunet.checkOptions(options, owner, kinds)
  local ok, result = pcall(check, options, owner, kinds)
  if not ok then error(result, 3) end
  return result
end
lunet.document(lunet.checkOptions, "lunet.checkOptions(options, owner, {key = kind})",
  "Rejects unknown keys and values outside their kind ('integer', 'positive integer', 'non-negative integer', 'number', " ..
  "'non-negative number', 'positive number', 'probability', 'boolean'); returns options or {}.")

package.loaded.lunet = lunet
_G.lunet = lunet
return lunet
