-- How lunet shows a value to a reader (the REPL, lunet.show): a table by its
-- contents, as trepl and inspect.lua do (keys sorted, numbers first then
-- strings; nesting indented; long lists shortened with their length; cycles
-- marked; on one line when it fits the width), anything with a __tostring
-- (tensors, datasets, histories) by it, numbers by their shortest text that
-- reads back to the same value.
--
-- Hostile tables cannot make it loop or recurse without end: it reads tables
-- raw (rawget, next: no __index, __pairs or __len), stops at a fixed depth,
-- marks a table met again on its own path, and stops expanding tables after
-- a fixed number of lines. A nested __tostring is called, so one that raises
-- is reported as the REPL reports the top value's.
local display = {}

-- Captured at load, so a script that replaces the globals does not change the view.
local tostring, tonumber, type, next, rawget, rawequal = tostring, tonumber, type, next, rawget, rawequal
local mathtype, huge = math.type, math.huge
local format, rep, concat, sort = string.format, string.rep, table.concat, table.sort
local getmetatable, getinfo = debug.getmetatable, debug.getinfo
local tensorMetatable = debug.getregistry()["lunet.Tensor"]

--- Bounds of the view: nesting depth, list items (more are shown as the first
--- `head`, `...`, the last `tail`), keys per table, lines in all, string bytes.
display.limits = {depth = 4, items = 16, head = 10, tail = 3, keys = 100, lines = 1000, string = 200}

--- The shortest of %.14g ... %.17g that reads back as `x` (`0.72`, `0.30000000000000004`);
--- floats keep a `.0` as Lua writes them (`2.0`), integers print as integers.
function display.number(x)
  if mathtype(x) == "integer" or x ~= x or x == huge or x == -huge then return tostring(x) end
  local text
  for digits = 14, 17 do
    text = format("%." .. digits .. "g", x)
    if tonumber(text) == x then break end
  end
  if not text:find("[.eEn]") then text = text .. ".0" end
  return text
end

local escapes = {["\\"] = "\\\\", ["'"] = "\\'", ["\n"] = "\\n", ["\r"] = "\\r", ["\t"] = "\\t"}

--- A string in single quotes with control bytes escaped; a long one cut
--- (at a UTF-8 character boundary) and followed by its length.
function display.quote(s)
  local limit, cut = display.limits.string, #s
  if cut > limit then
    cut = limit
    while cut > 0 and ((s:byte(cut + 1) or 0) & 0xC0) == 0x80 do cut = cut - 1 end
  end
  local shown = "'" .. s:sub(1, cut):gsub("[%c\\']", function(c) return escapes[c] or format("\\%03d", c:byte()) end) .. "'"
  return cut < #s and shown:sub(1, -2) .. "...' (" .. #s .. " bytes)" or shown
end

local keywords = {}
for word in ([[and break do else elseif end false for function goto if in local nil not or
  repeat return then true until while]]):gmatch("%a+") do keywords[word] = true end

-- Keys other than strings and numbers: by type name (false before true),
-- ties in traversal order. No metamethod is called.
local function before(a, b)
  local ta, tb = type(a.key), type(b.key)
  if ta ~= tb then return ta < tb end
  if ta == "boolean" and a.key ~= b.key then return b.key end
  return a.order < b.order
end

-- The keys of `t` outside its list part 1..n in display order: numbers,
-- then strings, each sorted by table.sort's own comparison (which calls no
-- metamethod on them), then the rest.
local function sortedKeys(t, n)
  local numbers, strings, others = {}, {}, {}
  for k in next, t do
    local kind = type(k)
    if kind == "number" then
      if not (mathtype(k) == "integer" and k >= 1 and k <= n) then numbers[#numbers + 1] = k end
    elseif kind == "string" then strings[#strings + 1] = k
    else others[#others + 1] = {key = k, order = #others} end
  end
  sort(numbers)
  sort(strings)
  sort(others, before)
  for _, k in ipairs(strings) do numbers[#numbers + 1] = k end
  for _, entry in ipairs(others) do numbers[#numbers + 1] = entry.key end
  return numbers
end

local function hasToString(v)
  local mt = getmetatable(v)
  return type(mt) == "table" and rawget(mt, "__tostring") ~= nil
end

-- A table without its own __tostring is shown by its contents.
local function isPlain(v)
  return type(v) == "table" and not hasToString(v)
end

local Renderer = {}
Renderer.__index = Renderer

-- `root` is shown by its contents even when it has a __tostring (which may be
-- the caller: a result's __tostring falls back to its contents).
function Renderer.new(width, root)
  return setmetatable({width = width, root = root, path = {}, cache = {}, texts = {}, lines = 0}, Renderer)
end

function Renderer:isPlain(v)
  return isPlain(v) or (type(v) == "table" and rawequal(v, self.root))
end

-- The entries of `t` as shown: the list part 1..n (shortened past
-- limits.items), then the other keys in order (at most limits.keys), with
-- `{ellipsis = true}` where some are left out; and the note after the table.
function Renderer:entries(t)
  local cached = self.cache[t]
  if cached then return cached[1], cached[2] end
  local limits, n = display.limits, 0
  while rawget(t, n + 1) ~= nil do n = n + 1 end
  local shown, notes = {}, {}
  for i = 1, n do
    if n <= limits.items or i <= limits.head or i > n - limits.tail then
      shown[#shown + 1] = {value = rawget(t, i)}
    elseif i == limits.head + 1 then
      shown[#shown + 1] = {ellipsis = true}
    end
  end
  if n > limits.items then notes[#notes + 1] = n .. " items" end
  local others = sortedKeys(t, n)
  for i = 1, math.min(#others, limits.keys) do shown[#shown + 1] = {key = others[i], value = rawget(t, others[i])} end
  if #others > limits.keys then
    shown[#shown + 1] = {ellipsis = true}
    notes[#notes + 1] = #others .. " keys"
  end
  local note = #notes > 0 and " (" .. concat(notes, ", ") .. ")" or ""
  self.cache[t] = {shown, note}
  return shown, note
end

-- `name = `, `['a b'] = `, `[2.5] = `; nil for an item of the list part.
function Renderer:keyText(entry, depth)
  local k = entry.key
  if k == nil then return nil end
  if type(k) == "string" and k:match("^[%a_][%w_]*$") and not keywords[k] then return k .. " = " end
  local text = self:flat(k, depth + 1, self.width) or (self:isPlain(k) and "{...}" or self:leaf(k))
  return "[" .. text .. "] = "
end

-- A value that is not a plain table, as one text (maybe several lines);
-- a __tostring runs once per value and view.
function Renderer:leaf(v)
  local kind = type(v)
  if self.texts[v] then return self.texts[v] end
  if kind == "number" then return display.number(v) end
  if kind == "string" then return display.quote(v) end
  if kind == "function" then
    local info = getinfo(v, "S")
    return info.what == "C" and "<function>" or format("<function %s:%d>", info.short_src, info.linedefined)
  end
  if kind == "thread" then return "<thread>" end
  local text = tostring(v)
  if getmetatable(v) == tensorMetatable then text = text:match("[^\n]*$") end  -- the type and shape line
  self.texts[v] = text
  return text
end

-- `v` on one line of at most `room` characters, or nil.
function Renderer:flat(v, depth, room)
  if not self:isPlain(v) then
    local text = self:leaf(v)
    return (#text <= room and not text:find("\n")) and text or nil
  end
  if self.path[v] then return "<cycle>" end
  if next(v) == nil then return "{}" end
  if depth >= display.limits.depth or self.lines >= display.limits.lines then return "{...}" end
  local shown, note = self:entries(v)
  local parts, used = {}, 2 + #note
  self.path[v] = true
  for i, entry in ipairs(shown) do
    local text = "..."
    if not entry.ellipsis then
      local key = self:keyText(entry, depth) or ""
      local value = self:flat(entry.value, depth + 1, room - used - #key)
      text = value and key .. value
    end
    used = used + (text and #text or huge) + (i > 1 and 2 or 0)
    if used > room then self.path[v] = nil return nil end
    parts[i] = text
  end
  self.path[v] = nil
  return "{" .. concat(parts, ", ") .. "}" .. note
end

local function indented(text, indent)
  local pad = rep(" ", indent)
  return pad .. text:gsub("\n", "\n" .. pad)
end

-- `v` starting after `used` characters of a line indented by `indent`: on
-- one line when it fits the width, else one entry a line, nested entries
-- two spaces further in.
function Renderer:block(v, indent, depth, used)
  local text = self:flat(v, depth, self.width - indent - used)
  if text then return text end
  if not self:isPlain(v) then return self:leaf(v) end
  local shown, note = self:entries(v)
  local lines, pad = {"{"}, rep(" ", indent + 2)
  self.path[v] = true
  for i, entry in ipairs(shown) do
    local comma = i < #shown and "," or ""
    self.lines = self.lines + 1
    if entry.ellipsis then
      lines[#lines + 1] = pad .. "..." .. comma
    else
      local key = self:keyText(entry, depth)
      local value = self:block(entry.value, indent + 2, depth + 1, #(key or "") + #comma)
      if value:find("\n") and not self:isPlain(entry.value) then
        -- A multi-line text of its own (a history, a model): its lines under the key.
        value = key and key:sub(1, -2) .. "\n" .. indented(value, indent + 4) or indented(value, indent + 2):sub(indent + 3)
        key = nil
      end
      lines[#lines + 1] = pad .. (key or "") .. value .. comma
    end
  end
  self.path[v] = nil
  lines[#lines + 1] = rep(" ", indent) .. "}" .. note
  return concat(lines, "\n")
end

--- The columns to lay text out in: $COLUMNS, else the terminal's width, else 80.
function display.width()
  local columns = math.tointeger(tonumber(os.getenv("COLUMNS") or ""))
  if columns and columns > 0 then return columns end
  return display.terminalColumns and display.terminalColumns() or 80
end

--- The contents of table `t` as the REPL shows them, even when `t` has a __tostring.
function display.contents(t, width)
  return Renderer.new(width or display.width(), t):block(t, 0, 0, 0)
end

--- What the REPL prints for `value`: a table without __tostring by its
--- contents, anything else as `tostring` gives it.
function display.text(value, width)
  if isPlain(value) then return display.contents(value, width) end
  return tostring(value)
end

return display
