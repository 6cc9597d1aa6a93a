-- The text of the tables lunet's fits and evaluations return: the bindings
-- give each result the metatable registered here under its name (see
-- Sources/LunetLua/RecordMetatables.swift), whose only entry is __tostring.
-- The results stay plain tables: pairs, # and indexing see the documented
-- fields and nothing else. A result whose fields a script changed beyond
-- recognition is shown by its contents instead.
local display = require "lunet.display"

local format, concat, sort, unpack = string.format, table.concat, table.sort, table.unpack
local type, next, rawget, tostring = type, next, rawget, tostring

local records = {}

--- Histories longer than `rows` rows show the first and last `edge` of them.
records.limits = {rows = 30, edge = 10}

-- Row fields that are not logged values: the row's number, the learning
-- rate (its own column, last), timings and counts that differ from run to run.
local notLogged = {seconds = true, imagesPerSecond = true, mining = true, training = true, steps = true,
                   warning = true, lr = true, epoch = true, round = true}

-- The CSV log's order: loss, the other training values sorted, then val_loss
-- and the other validation values sorted.
local function logOrder(a, b)
  local va, vb = a:sub(1, 4) == "val_", b:sub(1, 4) == "val_"
  if va ~= vb then return vb end
  local la, lb = a == "loss" or a == "val_loss", b == "loss" or b == "val_loss"
  if la ~= lb then return la end
  return a < b
end

-- The text of each value of a column: integers when they all are (epochs,
-- rounds), the learning rate by %.6g, other numbers with 4 decimals.
local function cells(name, values)
  local integers = true
  for _, v in ipairs(values) do integers = integers and (v == false or math.type(v) == "integer") end
  local texts = {}
  for i, v in ipairs(values) do
    if type(v) ~= "number" then texts[i] = v == false and "" or tostring(v)
    elseif name == "lr" then texts[i] = format("%.6g", v)
    elseif integers then texts[i] = format("%d", v)
    else texts[i] = format("%.4f", v) end
  end
  return texts
end

-- The rows shown: all, or the first and last `edge` with false between.
local function shownRows(count)
  local shown, limits = {}, records.limits
  for i = 1, count do
    if count <= limits.rows or i <= limits.edge or i > count - limits.edge then shown[#shown + 1] = i
    elseif i == limits.edge + 1 then shown[#shown + 1] = false end
  end
  return shown
end

-- The logged names over all rows in log order, then lr when the rows have it.
local function columnNames(rows, unit)
  local names, seen, hasRate = {unit}, {}, false
  local logged = {}
  for _, row in ipairs(rows) do
    for k, v in next, row do
      if type(k) == "string" and type(v) == "number" and not notLogged[k] and not seen[k] then
        seen[k] = true
        logged[#logged + 1] = k
      end
    end
    hasRate = hasRate or type(rawget(row, "lr")) == "number"
  end
  sort(logged, logOrder)
  for _, name in ipairs(logged) do names[#names + 1] = name end
  if hasRate then names[#names + 1] = "lr" end
  return names
end

-- One row per epoch (round), one right-aligned column per logged value.
local function rowsTable(rows, unit)
  local names, shown = columnNames(rows, unit), shownRows(#rows)
  local columns, widths = {}, {}
  for c, name in ipairs(names) do
    local values = {}
    for k, i in ipairs(shown) do values[k] = i and rawget(rows[i], name) or false end
    columns[c] = cells(name, values)
    widths[c] = #name
    for _, text in ipairs(columns[c]) do widths[c] = math.max(widths[c], #text) end
  end
  local function line(textOf)
    local parts = {}
    for c = 1, #names do parts[c] = format("%" .. widths[c] .. "s", textOf(c)) end
    return (concat(parts, "  "):gsub("%s+$", ""))
  end
  local lines = {line(function(c) return names[c] end)}
  for k, i in ipairs(shown) do
    lines[#lines + 1] = i and line(function(c) return columns[c][k] end)
      or format("%" .. widths[1] .. "s  (%d %ss not shown)", "...", #rows - 2 * records.limits.edge, unit)
  end
  return lines
end

-- `stopped: early stopping (epoch 5); best val_loss 0.3012 at epoch 3`.
local function stopLine(h, unit, stoppedKey)
  local reason, stopped = rawget(h, "stopReason"), rawget(h, stoppedKey)
  if type(reason) ~= "string" then return nil end
  local line = "stopped: " .. reason .. (type(stopped) == "number" and format(" (%s %s)", unit, display.number(stopped)) or "")
  local best, monitor = rawget(h, "best"), rawget(h, "monitor")
  if type(best) == "table" and type(rawget(best, unit)) == "number" then
    local value = type(monitor) == "string" and rawget(best, monitor)
    line = line .. "; best " .. (type(value) == "number" and format("%s %.4f at ", monitor, value) or "")
      .. unit .. " " .. display.number(rawget(best, unit))
  end
  return line
end

-- The list part of `t` if every item is a table (rows) or a string (warnings).
local function list(t, kind)
  if type(t) ~= "table" then return nil end
  local n = 0
  while rawget(t, n + 1) ~= nil do
    if type(rawget(t, n + 1)) ~= kind then return nil end
    n = n + 1
  end
  return {unpack(t, 1, n)}
end

local function historyText(h, unit, rowsKey, stoppedKey)
  local rows, warnings = list(rawget(h, rowsKey), "table"), list(rawget(h, "warnings") or {}, "string")
  if not rows or not warnings then return display.contents(h) end
  local lines = #rows > 0 and rowsTable(rows, unit) or {format("(no %s finished)", unit)}
  lines[#lines + 1] = stopLine(h, unit, stoppedKey)
  local message = rawget(h, "message")
  if type(message) == "string" then lines[#lines + 1] = message end
  for _, warning in ipairs(warnings) do lines[#lines + 1] = "warning: " .. warning end
  return concat(lines, "\n")
end

--- `accuracy 0.720 +- 0.063 (36 of 50 tasks, 5-way)`, and for the official runs
--- the wrong answers of each run.
local function oneShotText(r)
  local accuracy, stderr, correct, tasks = rawget(r, "accuracy"), rawget(r, "stderr"), rawget(r, "correct"), rawget(r, "tasks")
  if type(accuracy) ~= "number" then return display.contents(r) end
  local text = format("accuracy %.3f", accuracy)
  if type(stderr) == "number" then text = text .. format(" +- %.3f", stderr) end
  if type(correct) == "number" and type(tasks) == "number" then
    local way = rawget(r, "way")
    local ways = type(way) == "number" and format(", %s-way", display.number(way)) or ""
    text = text .. format(" (%s of %s tasks%s)", display.number(correct), display.number(tasks), ways)
  end
  local errors = list(rawget(r, "errors"), "number")
  if errors and #errors > 0 then
    for i, e in ipairs(errors) do errors[i] = display.number(e) end
    text = text .. "\nwrong answers per run: " .. concat(errors, " ")
  end
  return text
end

--- `loss 0.4123  accuracy 0.8000  top3 0.9500`: the values in the log's order.
local function evaluationText(e)
  local names = {}
  for k, v in next, e do
    if type(k) ~= "string" or type(v) ~= "number" then return display.contents(e) end
    names[#names + 1] = k
  end
  if #names == 0 then return display.contents(e) end
  sort(names, logOrder)
  for i, name in ipairs(names) do names[i] = format("%s %.4f", name, rawget(e, name)) end
  return concat(names, "  ")
end

--- The metatables, by the registry names the bindings look up.
records.metatables = {
  ["lunet.FitHistory"] = {__tostring = function(h) return historyText(h, "epoch", "epochs", "stoppedEpoch") end},
  ["lunet.TripletHistory"] = {__tostring = function(h) return historyText(h, "round", "rounds", "stoppedRound") end},
  ["lunet.OneShotResult"] = {__tostring = oneShotText},
  ["lunet.Evaluation"] = {__tostring = evaluationText},
}
local registry = debug.getregistry()
for name, metatable in next, records.metatables do registry[name] = metatable end

return records
