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

package.loaded.lunet = lunet
_G.lunet = lunet
return lunet
