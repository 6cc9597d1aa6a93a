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

local view = require "lunet.display"
view.terminalColumns = __lunet_terminal_columns
__lunet_terminal_columns = nil
require "lunet.records"

--- How the REPL shows a value it prints (then passed to the global print).
function lunet.display(value, width)
  if width ~= nil and not (math.type(width) and math.tointeger(width) and width > 0) then
    local got = type(width) == "number" and tostring(width) or type(width)
    error(("bad argument #2 to 'display' (positive integer expected, got %s)"):format(got), 2)
  end
  return view.text(value, width and math.tointeger(width))
end
lunet.document(lunet.display, "lunet.display(value[, width])",
  "The text the REPL prints for a value: a table by its contents (keys sorted, numbers first; nested tables indented; " ..
  "lists past 16 items shortened, with their length; cycles marked; tensors by type and shape), on one line when it fits " ..
  "width (default $COLUMNS, else the terminal's width, else 80); anything with a __tostring by it.")

--- print(...) as the REPL shows values: scripts get its view of tables.
function lunet.show(...)
  local shown = table.pack(...)
  for i = 1, shown.n do shown[i] = lunet.display(shown[i]) end
  print(table.unpack(shown, 1, shown.n))
end
lunet.document(lunet.show, "lunet.show(...)",
  "Prints its arguments as the REPL shows values (lunet.display), tab-separated as print does; print(t) keeps Lua's table: 0x....")

--- Parses a script's command line (`arg`) for the examples: `--name value`
--- options whose defaults set their types, `--flag` for boolean options, and
--- positional arguments named in spec.positional. `--help` prints the usage.
function lunet.arguments(argv, spec)
  local options, names, positional = {}, {}, {}
  for key, entry in pairs(spec) do
    if key ~= "usage" and key ~= "positional" then
      options[key] = entry[1]
      names[#names + 1] = key
    end
  end
  table.sort(names)
  local function usage()
    local lines = {"usage: " .. (spec.usage or "lunet script.lua [options]")}
    for _, p in ipairs(spec.positional or {}) do
      lines[#lines + 1] = ("  %-18s %s (default %s)"):format(p[1], p[3] or "", tostring(p[2]))
    end
    for _, name in ipairs(names) do
      local default = spec[name][1]
      local value = default == "" and "''" or tostring(default)
      local shown = type(default) == "boolean" and "--" .. name or "--" .. name .. " " .. value
      lines[#lines + 1] = ("  %-18s %s"):format(shown, spec[name][2] or "")
    end
    return table.concat(lines, "\n")
  end
  local i = 1
  while argv and argv[i] ~= nil do
    local word = argv[i]
    local name, inline = word:match("^%-%-([^=]+)=(.*)$")
    name = name or word:match("^%-%-(.+)$")
    if word == "--help" then
      print(usage())
      os.exit(0)
    elseif name then
      local default = spec[name] and spec[name][1]
      if default == nil or name == "usage" or name == "positional" then
        error("unknown option " .. word .. "\n" .. usage(), 0)
      elseif type(default) == "boolean" then
        if inline then error(("option --%s takes no value, got '%s'"):format(name, inline), 0) end
        options[name] = true
        i = i + 1
      else
        -- A value is the next word, unless it is another option (--name=--x gives one that is).
        local value = inline or argv[i + 1]
        if value == nil or (not inline and value:match("^%-%-")) then
          error("option --" .. name .. " needs a value", 0)
        end
        word = "--" .. name
        if type(default) == "number" then
          value = tonumber(value) or error(("option %s expects a number, got '%s'"):format(word, value), 0)
          if math.type(default) == "integer" then
            value = math.tointeger(value) or error(("option %s expects an integer, got %s"):format(word, argv[i + 1]), 0)
          end
        end
        options[name] = value
        i = i + (inline and 1 or 2)
      end
    else
      positional[#positional + 1] = word
      i = i + 1
    end
  end
  local expected = spec.positional or {}
  if #positional > #expected then
    error(("unexpected argument '%s'\n%s"):format(positional[#expected + 1], usage()), 0)
  end
  for k, p in ipairs(expected) do options[p[1]] = positional[k] or p[2] end
  return options
end
lunet.document(lunet.arguments, "lunet.arguments(arg, {usage = '...', positional = {{name, default, help}}, name = {default, help}, ...})",
  "Parses a script's command line: --name value or --name=value (typed by the default: integer, number or string; " ..
  "a value may not start with -- unless given as --name=value), --flag for boolean " ..
  "defaults, positional arguments in order; unknown options are errors; --help prints the usage and exits.")

package.loaded.lunet = lunet
_G.lunet = lunet
return lunet
