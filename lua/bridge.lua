-- luatorch bridge, Lua side: proxies for Python objects, calls into Python, callbacks out.
--
-- Loaded once per LuaSession with the table `py` of Python entry points (see
-- luatorch/lua/session.py). Every Python object that reaches Lua code is represented by one
-- proxy at a time: a userdata (tensors, storages) or an empty table (modules, classes,
-- packages, other objects) whose metatable routes field reads, method calls and operators to
-- Python. `handles[proxy]` is the Python object; `cache[id]` finds the live proxy of an object
-- so that identity (`x ~= params`) holds.
--
-- Python results come back as (tag, value) pairs:
--   tag nil       value is a plain Lua value (number, string, boolean, nil, Lua table/function;
--                 Python lists, tuples and dicts arrive as Lua tables built by Python)
--   tag number    value is a Python object whose id() is the tag: wrap it in its proxy
--   tag 'M'       value is a tuple of results: return them as multiple values
--   tag 'E'       value is an error message raised by Python: raise it as a Lua error
--   tag 'R'       a Lua error value that crossed Python: (tag, value) of it follow; re-raise it

local py = ...
local type, select, rawget, rawset, next, error, tostring, tonumber, pcall, xpcall =
   type, select, rawget, rawset, next, error, tostring, tonumber, pcall, xpcall
local setmetatable, getmetatable, floor = setmetatable, getmetatable, math.floor
local unpack = unpack or table.unpack

-- Lua 5.2+ have no newproxy (and honour __len on tables): proxies are tables there.
local newproxy = newproxy or function(proto)
   if proto == true then return setmetatable({}, {}) end
   return setmetatable({}, getmetatable(proto))
end

-- An object whose collection calls fn (a userdata in 5.1/LuaJIT, a table in 5.2+).
local function gc_sentinel(fn)
   if _G.newproxy then
      local u = _G.newproxy(true)
      getmetatable(u).__gc = fn
      return u
   end
   return setmetatable({}, {__gc = fn})
end

local has_ffi, ffi = pcall(require, 'ffi')
if not has_ffi then ffi = nil end

local B = {}                                       -- what the bridge gives to the prelude
local lazy = setmetatable({}, {__mode = 'k'})      -- lazy sub-tensor proxy -> how to make it
local materialize
-- proxy -> Python object; a lazy sub-tensor (t[i] of a matrix, used only for its elements so
-- far) gets its Python object the first time anything asks for it
local handles = setmetatable({}, {__mode = 'k', __index = function(_, x)
   if lazy[x] ~= nil then return materialize(x) end
   return nil
end})
local cache = setmetatable({}, {__mode = 'v'})     -- id(obj) -> proxy
local kinds = setmetatable({}, {__mode = 'k'})     -- proxy -> kind name
local overrides = setmetatable({}, {__mode = 'k'}) -- proxy -> {field = Lua function | true}
local fieldcache = setmetatable({}, {__mode = 'k'})-- proxy -> {field = bound Lua table}
local bound = setmetatable({}, {__mode = 'k'})     -- bound Lua table -> entry
local overlay = setmetatable({}, {__mode = 'k'})   -- package proxy -> Lua-only fields
local views = setmetatable({}, {__mode = 'k'})     -- tensor proxy -> FFI view
local class_caches = setmetatable({}, {__mode = 'k'}) -- every per-class method cache
local instance_mts = {}                            -- id(class) -> metatable of instances
local epoch = 0                                    -- bumped on every entry into Python

B.handles, B.cache, B.kinds, B.overlay = handles, cache, kinds, overlay

local wrap, post, sync_bound, wrapv

-- The glue's own files: error positions and tracebacks skip their frames.
local glue_source = debug.getinfo(1, 'S').source
local glue_dir = glue_source:match('^@(.*/)[^/]*$') or ''
local function is_glue(source)
   return glue_dir ~= '' and source:sub(1, #glue_dir + 1) == '@' .. glue_dir
end
B.is_glue = is_glue

-- "file:line: " of the nearest Lua frame of user code above `level`.
local function where(level)
   for l = level + 1, level + 12 do
      local info = debug.getinfo(l, 'Sl')
      if info == nil then break end
      if info.what ~= 'C' and info.currentline > 0 and not is_glue(info.source) then
         return info.short_src .. ':' .. info.currentline .. ': '
      end
   end
   return ''
end
B.where = where

-- The nearest Lua frame of user code, for Python code that wants a script position
-- (nngraph's node labels). Torch7's nngraph formats debug.getinfo(level, 'Sl') as
-- '[%s]:%d_%s' with dinfo.name, which 'Sl' never fills: its labels end in a bare '_'.
function B.user_location(with_function)
   for level = 2, 200 do
      local info = debug.getinfo(level, 'Sl')
      if info == nil then return nil end
      if info.what ~= 'C' and info.currentline > 0 and not is_glue(info.source) then
         local at = '[' .. info.short_src .. ']:' .. info.currentline
         if with_function then at = at .. '_' end
         return at
      end
   end
   return nil
end

-- Torch7's Tester reports a failed assertion with the two traceback lines just above the
-- xpcall that runs the test: the test function's line, preceded by the helper function the
-- assertion was made in ("stack traceback:" when the test made it directly). Here the test
-- function was entered from Python: its frames are the run of user frames nearest the top.
function B.tester_location()
   local first, last
   for level = 2, 200 do
      local info = debug.getinfo(level, 'S')
      if info == nil then break end
      local user = info.what ~= 'C' and not is_glue(info.source)
      if user then
         first = first or level
         last = level
      elseif first then
         break
      end
   end
   if first == nil then return nil end
   local function line_at(level)
      -- debug.traceback's own wording of one frame (the line after "stack traceback:")
      return debug.traceback('', level + 1):match('^\nstack traceback:\n([^\n]*)')
   end
   local test_line = line_at(last)
   if test_line == nil then return nil end
   local above = last > first and line_at(last - 1) or 'stack traceback:'
   return above .. '\n' .. test_line
end

-- A Lua traceback without the glue's frames.
local function clean_traceback(tb)
   local out = {}
   local lines = {}
   for line in tb:gmatch('[^\n]+') do lines[#lines + 1] = line end
   for i, line in ipairs(lines) do
      local next_line = lines[i + 1] or ''
      local glue_line = glue_dir ~= '' and line:find(glue_dir, 1, true)
      local c_before_glue = line:find("^%s*%[C%]: in function 'error'") and glue_dir ~= ''
         and next_line:find(glue_dir, 1, true)
      local final_xpcall = line:find("^%s*%[C%]: in function 'xpcall'") and
         (next_line == '' or next_line:find(glue_dir, 1, true))
      if line:find("^%s*%[C%]: in function '[a-z]+'$") and next_line:find(glue_dir, 1, true) then
         -- a call into Python through the glue's py.* entry points
         line = line:gsub("in function '[a-z]+'$", 'in the library (Python)')
         glue_line = false
      end
      if not (glue_line or c_before_glue or final_xpcall) then out[#out + 1] = line end
   end
   return table.concat(out, '\n')
end
B.clean_traceback = clean_traceback

-- Strings cross into Python decoded as UTF-8; other bytes (binary data) go as Python bytes.
local find, gsub, byte, char = string.find, string.gsub, string.byte, string.char
local function is_utf8(s)
   local rest = gsub(s, '[\194-\223][\128-\191]', '')
   rest = gsub(rest, '\224[\160-\191][\128-\191]', '')
   rest = gsub(rest, '[\225-\236\238\239][\128-\191][\128-\191]', '')
   rest = gsub(rest, '\237[\128-\159][\128-\191]', '')
   rest = gsub(rest, '\240[\144-\191][\128-\191][\128-\191]', '')
   rest = gsub(rest, '[\241-\243][\128-\191][\128-\191][\128-\191]', '')
   rest = gsub(rest, '\244[\128-\143][\128-\191][\128-\191]', '')
   return find(rest, '[\128-\255]') == nil
end
local function latin1_as_utf8(c)
   local b = byte(c)
   return char(192 + floor(b / 64), 128 + b % 64)
end
local function as_bytes(s)
   -- each byte as the code point of the same value: Python encodes it back as latin-1
   return py.bytes_of((gsub(s, '[\128-\255]', latin1_as_utf8)))
end

-- Lua value -> what Python receives: a proxy becomes its Python object.
local function U(x)
   local h = handles[x]
   if h ~= nil then return h end
   if type(x) == 'string' and find(x, '[\128-\255]') and not is_utf8(x) then
      return as_bytes(x)
   end
   return x
end
B.U = U

local function unwrap_all(...)
   local n = select('#', ...)
   if n == 0 then return end
   local t = {...}
   for i = 1, n do t[i] = U(t[i]) end
   return unpack(t, 1, n)
end

local dead_keys, bykey
local function before_python()
   epoch = epoch + 1
   if next(bound) ~= nil then sync_bound() end
   if dead_keys[1] ~= nil then
      local keys = dead_keys
      dead_keys = {}
      for i = 1, #keys do
         local set = bykey[keys[i]]
         if set == nil or next(set) == nil then bykey[keys[i]] = nil end
         py.unbind(keys[i])
      end
   end
end
B.before_python = before_python

-- Unpack Python results. Errors are raised at level 3: the caller of the stub that tail-called
-- `post` (a stub's frame is replaced by post's in a tail call).
post = function(tag, v, ...)
   if tag == nil then return v end
   local tt = type(tag)
   if tt == 'number' then
      local p = cache[tag]
      if p ~= nil then return p end
      return wrap(v, tag)
   end
   if tag == 'M' then
      local n = select('#', ...)
      local t = {...}
      local out = {}
      for i = 1, n / 2 do out[i] = post(t[2 * i - 1], t[2 * i]) end
      return unpack(out, 1, n / 2)
   end
   if tag == 'E' then error(where(2) .. v, 0) end
   if tag == 'R' then error(wrapv(v, (...)), 0) end
   error('bridge: unknown result tag ' .. tostring(tag))
end
B.post = post

wrapv = function(tag, v)
   if tag == nil then return v end
   local p = cache[tag]
   if p ~= nil then return p end
   return wrap(v, tag)
end
B.wrapv = wrapv

-- Fill a Lua table from py.expand's flat answer: ('a', n, tag1, v1, ...) or
-- ('d', n, key1, tag1, v1, ...); plain-valued lists arrive already converted (tag nil).
local function fill(t, kind, n, ...)
   local a = {...}
   if kind == 'a' then
      for i = 1, n do t[i] = wrapv(a[2 * i - 1], a[2 * i]) end
   else
      for i = 1, n do
         local j = 3 * i - 2
         local key = a[j]
         if key ~= nil then t[key] = wrapv(a[j + 1], a[j + 2]) end
      end
   end
   return t
end

local function fill_from(t, kind, n, ...)
   if kind == nil then
      -- a list of plain values, converted in one piece by Python
      if t == nil then return n end
      for i = 1, #n do t[i] = n[i] end
      return t
   end
   return fill(t or {}, kind, n, ...)
end

function B.make_table(kind, n, ...)
   return fill({}, kind, n, ...)
end

-- Lua table -> Python: array tables go as ('a', n, elements...), records as 'd'.
local function tabinfo(t)
   local n = #t
   if n > 0 then
      local count = 0
      for _ in next, t do count = count + 1 end
      if count == n then
         if n <= 64 then
            local out = {}
            for i = 1, n do out[i] = U(t[i]) end
            return 'a', n, unpack(out, 1, n)
         end
         return 'A', n
      end
   end
   return 'd', 0
end
B.tabinfo = tabinfo

-- Element slices of a long array table (avoids huge vararg lists in one call).
local function tabslice(t, i, j)
   local out = {}
   for k = i, j do out[k - i + 1] = U(t[k]) end
   return unpack(out, 1, j - i + 1)
end
B.tabslice = tabslice

-- Record tables seen from Python (LuaTableDict): reads unwrap proxies, writes wrap.
function B.tget(t, k)
   return U(t[k])
end
function B.tset(t, k, tag, v) t[k] = wrapv(tag, v) end
function B.tkeys(t)
   local keys = {}
   local n = 0
   for k in next, t do n = n + 1; keys[n] = k end
   return unpack(keys, 1, n)
end
function B.tlen(t)
   local n = 0
   for _ in next, t do n = n + 1 end
   return n
end

---------------------------------------------------------------------------------------------
-- Bound fields: a list field (`model.modules`) or dict field (`node.data.annotations`) reads
-- as a Lua table that stays the same table; changes made to it from Lua reach the Python
-- list or dict before the next call into Python (and when Lua hands control back to Python),
-- and changes Python makes during a call are copied into it when the call returns.
local function snapshot(t, is_dict)
   local s = {}
   if is_dict then
      for k, v in next, t do s[k] = v end
   else
      for i = 1, #t do s[i] = t[i] end
   end
   return s
end

-- Lua changed a bound dict: send Python the keys set to new values, then the keys removed
-- (only those, so that values Lua did not touch keep their Python identity).
local function sync_dict(t, e)
   local s = e.shadow
   local set, removed, nset = {}, {}, 0
   for k, v in next, t do
      if s[k] ~= v then
         set[2 * nset + 1], set[2 * nset + 2] = U(k), U(v)
         nset = nset + 1
      end
   end
   for k in next, s do
      if rawget(t, k) == nil then removed[#removed + 1] = U(k) end
   end
   if nset > 0 or removed[1] ~= nil then
      e.shadow = snapshot(t, true)
      for i = 1, #removed do set[2 * nset + i] = removed[i] end
      py.setdict(e.obj, nset, unpack(set, 1, 2 * nset + #removed))
   end
end

sync_bound = function()
   for t, e in next, bound do
      if e.is_dict then
         sync_dict(t, e)
      else
         local s = e.shadow
         local n = #t
         local changed = n ~= #s
         if not changed then
            for i = 1, n do
               if rawget(t, i) ~= s[i] then changed = true; break end
            end
         end
         if changed then
            e.shadow = snapshot(t)
            py.setlist(e.obj, n, unwrap_all(unpack(t, 1, n)))
         end
      end
   end
end
B.sync_bound = function() if next(bound) ~= nil then sync_bound() end end

bykey = {}              -- id(list or dict) -> weak set of the Lua tables bound to it
dead_keys = {}          -- keys whose last bound table was collected (unbound at next call)

local function refill(t, obj)
   local e = bound[t]
   if e and e.is_dict then
      local keys = {}
      for k in next, t do keys[#keys + 1] = k end
      for i = 1, #keys do t[keys[i]] = nil end
   else
      for i = #t, 1, -1 do t[i] = nil end
   end
   fill_from(t, py.expand(obj))
   if e then e.shadow = snapshot(t, e.is_dict) end
end

local function bind_field(p, name, obj, key, is_dict)
   local fc = fieldcache[p]
   if fc == nil then fc = {}; fieldcache[p] = fc end
   local t = fc[name]
   local e = t and bound[t]
   if e == nil or e.key ~= key then
      t = {}
      e = {obj = obj, key = key, is_dict = is_dict,
           gc = gc_sentinel(function() dead_keys[#dead_keys + 1] = key end)}
      fc[name] = t
      bound[t] = e
      local set = bykey[key]
      if set == nil then set = setmetatable({}, {__mode = 'k'}); bykey[key] = set end
      set[t] = true
      py.bind(obj, key)
   end
   refill(t, obj)
   return t
end

-- Python changed a bound list or dict during a call: refill every Lua table bound to it.
function B.refresh_bound(key, obj)
   local set = bykey[key]
   if set == nil then return end
   for t in next, set do refill(t, obj) end
end

---------------------------------------------------------------------------------------------
-- Stubs that call Python.
local function method_stub(name)
   return function(self, ...)
      before_python()
      local n = select('#', ...)
      local obj = handles[self]
      if obj == nil then
         error("calling '" .. name .. "' on bad self (a " .. type(self) .. ", not a Torch object;"
               .. " use ':' to call methods)", 2)
      end
      if n == 0 then return post(py.invoke(obj, name, 0)) end
      if n == 1 then return post(py.invoke(obj, name, 1, U((...)))) end
      if n == 2 then
         local a, b = ...
         return post(py.invoke(obj, name, 2, U(a), U(b)))
      end
      return post(py.invoke(obj, name, n, unwrap_all(...)))
   end
end

local function function_stub(f)
   return function(...)
      before_python()
      local n = select('#', ...)
      if n == 0 then return post(py.call(f, 0)) end
      if n == 1 then return post(py.call(f, 1, U((...)))) end
      if n == 2 then
         local a, b = ...
         return post(py.call(f, 2, U(a), U(b)))
      end
      return post(py.call(f, n, unwrap_all(...)))
   end
end
B.function_stub = function_stub

-- Python -> Lua calls (callbacks): arguments arrive as (tag, value) pairs, results leave
-- unwrapped. A Lua error comes back as (false, error value, traceback).
local function pack(...) return {n = select('#', ...), ...} end
-- Lua 5.1's xpcall takes no arguments for the function (LuaJIT's and 5.2+'s do)
local xpcall_passes_args = select(2, xpcall(function(a) return a end, function() end, true)) == true

local function traceback_of(err)
   local tb = clean_traceback(debug.traceback('', 2))
   return {err = err, tb = tb}
end

function B.callin(fn, n, ...)
   local a = {...}
   local args = {}
   for i = 1, n do args[i] = wrapv(a[2 * i - 1], a[2 * i]) end
   epoch = epoch + 1
   local r
   if xpcall_passes_args then
      r = pack(xpcall(fn, traceback_of, unpack(args, 1, n)))
   else
      r = pack(xpcall(function() return fn(unpack(args, 1, n)) end, traceback_of))
   end
   -- back to Python, which may change what Lua saw: FFI views made during the callback are
   -- stale from now on, and Lua's changes to bound fields must reach Python now
   before_python()
   local rn = r.n
   if not r[1] then
      local e = r[2]
      -- remembered so that a report of this error at the top shows where it happened
      B.last_callback_error = e
      return false, U(e.err), e.tb
   end
   for i = 2, rn do r[i] = U(r[i]) end
   return unpack(r, 1, rn)
end

---------------------------------------------------------------------------------------------
-- Metatables.
local function field(p, k, cm)
   local tag, v, key = py.getfield(handles[p], k)
   if tag == 'C' then
      local stub = method_stub(v)
      if cm then cm[k] = stub end
      return stub
   elseif tag == 'L' then
      if cm then cm[k] = v end
      return v
   elseif tag == 'B' or tag == 'D' then
      return bind_field(p, k, v, key, tag == 'D')
   end
   return post(tag, v)
end

local function set_field(p, k, v, cm)
   before_python()
   if type(k) ~= 'string' then
      error('cannot set a non-string field (' .. tostring(k) .. ') on a ' .. py.typename(handles[p]), 2)
   end
   local fc = fieldcache[p]
   if fc and fc[k] then bound[fc[k]] = nil; fc[k] = nil end
   if cm and cm[k] ~= nil then
      -- the field now shadows a method of the class for this object
      local ov = overrides[p]
      if ov == nil then ov = {}; overrides[p] = ov end
      ov[k] = (type(v) == 'function') and v or true
   elseif overrides[p] and overrides[p][k] ~= nil then
      overrides[p][k] = (type(v) == 'function') and v or true
   end
   local tag, msg, extra = py.setfield(handles[p], k, U(v))
   if tag == 'E' then error(where(2) .. msg, 0) end
   if tag == 'R' then error(wrapv(msg, extra), 0) end
end

local function obj_tostring(p)
   before_python()
   local tag, v, extra = py.tostr(handles[p])
   if tag == 'E' then error(where(2) .. v, 0) end
   if tag == 'R' then error(wrapv(v, extra), 0) end
   return v
end

local index_call

local function make_index(cm)
   return function(p, k)
      if type(k) ~= 'string' then return index_call('getitem', p, k) end
      local ov = overrides[p]
      if ov ~= nil then
         local f = ov[k]
         if f == true then return field(p, k, nil) end
         if f ~= nil then return f end
      end
      local m = cm[k]
      if m == nil then
         before_python()
         m = field(p, k, cm)
      end
      if k == 'new' and type(m) == 'function' then
         -- Torch7's `new` is its type's constructor: torch/nn's own code calls `input.new()`
         -- without self, so accept both that and `t:new(...)`
         local method = m
         return function(...)
            if select('#', ...) > 0 and (...) == p then return method(...) end
            return method(p, ...)
         end
      end
      return m
   end
end

local function object_mt(cm, kind)
   local index = make_index(cm)
   local mt = {
      __index = index,
      __newindex = function(p, k, v)
         if type(k) ~= 'string' then return index_call('setitem', p, k, v) end
         return set_field(p, k, v, cm)
      end,
      __tostring = obj_tostring,
      __metatable = nil,
   }
   mt.__call = function(p, ...)
      before_python()
      return post(py.call(handles[p], select('#', ...), unwrap_all(...)))
   end
   return mt
end

-- Tensor keys: a Lua index table {2, {1, 3}, {}} becomes the Python tuple (2, [1, 3], []).
index_call = function(fname, p, k, v)
   before_python()
   local obj = handles[p]
   if type(k) == 'table' and handles[k] == nil then
      return post(py[fname](obj, 'K', k, U(v)))
   end
   return post(py[fname](obj, nil, U(k), U(v)))
end

-- FFI views: element access on a tensor without entering Python. A view is valid until the
-- next entry into Python (which may resize, re-point or reallocate the tensor).
local ctypes = {}
if ffi then
   ctypes = {
      double = ffi.typeof('double*'), float = ffi.typeof('float*'),
      int64 = ffi.typeof('int64_t*'), int32 = ffi.typeof('int32_t*'),
      int16 = ffi.typeof('int16_t*'), int8 = ffi.typeof('int8_t*'), uint8 = ffi.typeof('uint8_t*'),
   }
end

local function refresh_view(p, v)
   local addr, ctype, offset, nd, keep, n, st, n2, st2, n3, st3 = py.ffiinfo(handles[p])
   if addr == nil then views[p] = false; return nil end
   v = v or {}
   v.ptr = ffi.cast(ctypes[ctype], addr)
   v.ctype, v.off, v.nd, v.keep, v.epoch = ctype, offset, nd, keep, epoch
   v.n, v.st, v.n2, v.st2, v.n3, v.st3 = n, st, n2, st2, n3, st3
   v.subs = nil
   views[p] = v
   return v
end

-- Rows of matrices (w[i] of a 2-D tensor) are FFI structs rather than userdata proxies: a
-- struct's fields are read inside the JIT-compiled loop without any table lookup, which makes
-- w[i][j] cost about what a Lua table-of-tables read costs (a userdata row needs a lookup of
-- its view on every access, four times slower). A row is a lazy sub-tensor like the others
-- (its Python tensor is made when it is used as a tensor, and from then on the struct is that
-- tensor's proxy); `row_info[row]` holds the class metatable its other operations go to and
-- the buffer its pointer points into. The field names are prefixed so that they cannot hide
-- a tensor's own methods and fields.
local row_types = {}                                  -- C element type -> row struct ctype
local row_info = setmetatable({}, {__mode = 'k'})     -- row -> {mt = class metatable, keep}
local row_mt = {}
local C_NAMES = {double = 'double', float = 'float', int64 = 'int64_t', int32 = 'int32_t',
                 int16 = 'int16_t', int8 = 'int8_t', uint8 = 'uint8_t'}

local function row_type(ctype)
   local rt = row_types[ctype]
   if rt == nil then
      local name = 'luatorch_row_' .. ctype
      ffi.cdef('typedef struct { ' .. C_NAMES[ctype] .. ' *lt_ptr; double lt_off, lt_nd, lt_n, '
               .. 'lt_st, lt_epoch; } ' .. name .. ';')
      rt = ffi.metatype(name, row_mt)
      row_types[ctype] = rt
   end
   return rt
end

-- After Python ran, find the row's elements again from its Python tensor (made now if the
-- row was still lazy). A tensor that FFI cannot reach keeps lt_nd = 0: the class paths serve it.
local function row_refresh(r)
   local info = row_info[r]
   local addr, ctype, offset, nd, keep, n, st = py.ffiinfo(handles[r])
   r.lt_epoch = epoch
   if addr == nil or ctype ~= info.ctype then
      r.lt_nd = 0
      info.keep = nil
      return
   end
   r.lt_ptr = ffi.cast(ctypes[ctype], addr)
   r.lt_off, r.lt_nd, r.lt_n, r.lt_st = offset, nd, n, st
   info.keep = keep
end

row_mt.__index = function(r, k)
   if type(k) == 'number' and r.lt_epoch == epoch and r.lt_nd == 1 and k >= 1 and k <= r.lt_n
      and k == floor(k) then
      return tonumber(r.lt_ptr[r.lt_off + (k - 1) * r.lt_st])
   end
   if type(k) == 'number' and r.lt_epoch ~= epoch then
      row_refresh(r)
      if r.lt_nd == 1 and k >= 1 and k <= r.lt_n and k == floor(k) then
         return tonumber(r.lt_ptr[r.lt_off + (k - 1) * r.lt_st])
      end
   end
   return row_info[r].mt.__index(r, k)
end

row_mt.__newindex = function(r, k, x)
   if type(k) == 'number' and type(x) == 'number' then
      if r.lt_epoch ~= epoch then row_refresh(r) end
      if r.lt_nd == 1 and k >= 1 and k <= r.lt_n and k == floor(k) then
         r.lt_ptr[r.lt_off + (k - 1) * r.lt_st] = x
         return
      end
   end
   return row_info[r].mt.__newindex(r, k, x)
end

-- everything else is the tensor class's own metamethod
for _, name in ipairs({'__add', '__sub', '__mul', '__div', '__mod', '__pow'}) do
   row_mt[name] = function(a, b)
      local info = row_info[a] or row_info[b]
      return info.mt[name](a, b)
   end
end
for _, name in ipairs({'__unm', '__len', '__tostring', '__call'}) do
   row_mt[name] = function(r, ...)
      return row_info[r].mt[name](r, ...)
   end
end

-- t[k] of a 2-D or 3-D tensor: a proxy whose elements are read through the parent's view;
-- its Python tensor (a select) is made only when it is used as a tensor. While unused as a
-- tensor and until Python runs again, the same sub-proxy serves every t[k] of that parent
-- (so w[i][j] in a loop allocates nothing).
local function lazy_sub(p, v, k)
   -- the sub-proxies live in the parent's view, which is valid for this epoch only
   local sc = v.subs
   if sc == nil then
      -- weak values: a sub-proxy's recipe points back at this cache, and LuaJIT's weak-keyed
      -- tables are not ephemerons, so a strong cache would keep every sub-proxy alive forever
      sc = setmetatable({}, {__mode = 'v'})
      v.subs = sc
   else
      local sub = sc[k]
      if sub ~= nil then return sub end
   end
   local off = v.off + (k - 1) * v.st
   if v.nd == 2 then
      local row = row_type(v.ctype)(nil, off, 1, v.n2, v.st2, epoch)
      row.lt_ptr = v.ptr
      row_info[row] = {mt = getmetatable(p), ctype = v.ctype}
      lazy[row] = {parent = p, k = k, cache = sc, off = off, nd = 1, n = v.n2, st = v.st2}
      sc[k] = row
      return row
   end
   local sub = newproxy(p)
   -- one table is both the recipe (parent, k) and the element view of the sub-tensor
   local l = {parent = p, k = k, cache = sc, ptr = v.ptr, ctype = v.ctype, off = off, nd = v.nd - 1,
              keep = v.keep, epoch = epoch, n = v.n2, st = v.st2, n2 = v.n3, st2 = v.st3}
   lazy[sub] = l
   views[sub] = l
   sc[k] = sub
   return sub
end

materialize = function(x)
   local l = lazy[x]
   lazy[x] = nil
   if l.cache[l.k] == x then l.cache[l.k] = nil end  -- now a tensor of its own
   local parent = handles[l.parent]
   local tag, obj
   if l.nd == 1 then
      tag, obj = py.subview(parent, l.off, l.n, l.st)
   else
      tag, obj = py.subview(parent, l.off, l.n, l.st, l.n2, l.st2)
   end
   rawset(handles, x, obj)
   kinds[x] = 'tensor'
   cache[tag] = x
   return obj
end

local function view_of(p)
   local v = views[p]
   if v and v.epoch == epoch then return v end
   return refresh_view(p, v or nil)
end

local function tensor_mt(cm, viewable)
   local mt = object_mt(cm)
   local index = mt.__index
   mt.__index = function(p, k)
      if type(k) == 'number' then
         if viewable then
            local v = views[p]
            if not v or v.epoch ~= epoch then v = refresh_view(p, v) end
            if v and k >= 1 and k <= v.n and k == floor(k) then
               if v.nd == 1 then return tonumber(v.ptr[v.off + (k - 1) * v.st]) end
               if v.nd <= 3 then return lazy_sub(p, v, k) end
            end
         end
         return index_call('getitem', p, k)
      elseif type(k) == 'string' then
         return index(p, k)
      end
      return index_call('getitem', p, k)
   end
   mt.__newindex = function(p, k, x)
      if type(k) == 'number' then
         if viewable and type(x) == 'number' then
            local v = views[p]
            if not v or v.epoch ~= epoch then v = refresh_view(p, v) end
            if v and v.nd == 1 and k >= 1 and k <= v.n and k == floor(k) then
               v.ptr[v.off + (k - 1) * v.st] = x
               return
            end
         end
         return index_call('setitem', p, k, x)
      elseif type(k) == 'string' then
         return set_field(p, k, x, cm)
      end
      return index_call('setitem', p, k, x)
   end
   local function binop(name)
      return function(a, b)
         before_python()
         return post(py.binop(name, U(a), U(b)))
      end
   end
   mt.__add, mt.__sub, mt.__mul, mt.__div = binop('add'), binop('sub'), binop('mul'), binop('div')
   mt.__mod, mt.__pow = binop('mod'), binop('pow')
   mt.__unm = function(a)
      before_python()
      return post(py.unop('neg', handles[a]))
   end
   mt.__len = function(a)
      before_python()
      return post(py.unop('len', handles[a]))
   end
   return mt
end

local function storage_mt(cm)
   local mt = object_mt(cm)
   local index = mt.__index
   mt.__index = function(p, k)
      if type(k) == 'string' then return index(p, k) end
      return index_call('getitem', p, k)
   end
   mt.__newindex = function(p, k, x)
      if type(k) == 'string' then return set_field(p, k, x, cm) end
      return index_call('setitem', p, k, x)
   end
   mt.__len = function(a)
      before_python()
      return post(py.unop('len', handles[a]))
   end
   return mt
end

-- Python lists and dicts kept opaque (stored by Python into a Lua table): every key is an
-- item (lists 1-based, as Lua tables), # is the length.
local function container_mt(cm)
   local mt = object_mt(cm)
   mt.__index = function(p, k) return index_call('getitem', p, k) end
   mt.__newindex = function(p, k, x) return index_call('setitem', p, k, x) end
   mt.__len = function(a)
      before_python()
      return post(py.unop('len', handles[a]))
   end
   return mt
end

-- Classes: calling constructs; fields are class attributes; assigning a function defines a
-- method (the Python class gets it, so Python code calls it too).
local class_attrs = setmetatable({}, {__mode = 'k'})
local function clear_class_caches()
   for cm in next, class_caches do
      for k in next, cm do cm[k] = nil end
   end
   for cp, ca in next, class_attrs do
      for k in next, ca do ca[k] = nil end
   end
end

local class_mt = {
   __index = function(cp, k)
      local ca = class_attrs[cp]
      if ca == nil then ca = {}; class_attrs[cp] = ca end
      local v = ca[k]
      if v ~= nil then return v end
      before_python()
      local tag, x = py.getclassattr(handles[cp], k)
      if tag == 'C' then
         v = function_stub(x)
         ca[k] = v
         return v
      elseif tag == 'L' then
         ca[k] = x
         return x
      end
      return post(tag, x)
   end,
   __newindex = function(cp, k, v)
      before_python()
      local tag, msg, extra = py.setclassattr(handles[cp], k, U(v))
      clear_class_caches()
      if tag == 'E' then error(where(2) .. msg, 0) end
      if tag == 'R' then error(wrapv(msg, extra), 0) end
   end,
   __call = function(cp, ...)
      before_python()
      return post(py.call(handles[cp], select('#', ...), unwrap_all(...)))
   end,
   __tostring = function(cp)
      return py.classname(handles[cp])
   end,
}

-- Packages (Python modules): fields are cached when they are functions, classes or packages.
local package_attrs = setmetatable({}, {__mode = 'k'})
local package_mt = {
   __index = function(mp, k)
      local ov = overlay[mp]
      if ov then
         local v = ov[k]
         if v ~= nil then return v end
      end
      local pa = package_attrs[mp]
      if pa == nil then pa = {}; package_attrs[mp] = pa end
      local v = pa[k]
      if v ~= nil then return v end
      before_python()
      local stable, tag, x = py.getpackageattr(handles[mp], k)
      v = post(tag, x)
      if stable and v ~= nil then pa[k] = v end
      return v
   end,
   __newindex = function(mp, k, v)
      local pa = package_attrs[mp]
      if pa then pa[k] = nil end
      if handles[v] ~= nil then
         before_python()
         local ov = overlay[mp]
         if ov then ov[k] = nil end
         local tag, msg, extra = py.setfield(handles[mp], k, handles[v])
         if tag == 'E' then error(where(2) .. msg, 0) end
         if tag == 'R' then error(wrapv(msg, extra), 0) end
      else
         local ov = overlay[mp]
         if ov == nil then ov = {}; overlay[mp] = ov end
         ov[k] = v
      end
   end,
   __tostring = function(mp) return py.classname(handles[mp]) end,
}

-- A new proxy for Python object `v` whose id is `key`.
wrap = function(v, key)
   local kind, ck, extra = py.describe(v)
   local p
   if kind == 'function' then
      p = function_stub(v)
   elseif kind == 'class' then
      p = setmetatable({}, class_mt)
   elseif kind == 'package' then
      p = setmetatable({}, package_mt)
   else
      local proto = instance_mts[ck]
      if proto == nil then
         local cm = {}
         class_caches[cm] = true
         local mt
         if kind == 'tensor' then
            mt = tensor_mt(cm, ffi ~= nil and extra ~= nil)
         elseif kind == 'storage' then
            mt = storage_mt(cm)
         elseif kind == 'container' then
            mt = container_mt(cm)
         else
            mt = object_mt(cm)
         end
         if kind == 'object' then
            proto = {mt = mt}
         else
            local u = newproxy(true)
            local umt = getmetatable(u)
            for name, f in next, mt do umt[name] = f end
            proto = {mt = umt, u = u}
         end
         instance_mts[ck] = proto
      end
      if proto.u then
         p = newproxy(proto.u)
      else
         p = setmetatable({}, proto.mt)
      end
   end
   handles[p] = v
   kinds[p] = kind
   cache[key] = p
   return p
end

-- Lua's pairs on a proxy lists the Python object's fields.
local raw_pairs, raw_ipairs = pairs, ipairs
function B.pairs(t)
   local obj = handles[t]
   if obj == nil then return raw_pairs(t) end
   before_python()
   local keys = {py.fieldnames(obj)}
   local i = 0
   return function()
      i = i + 1
      local k = keys[i]
      if k == nil then return nil end
      return k, t[k]
   end, t, nil
end

function B.ipairs(t)
   if handles[t] == nil then return raw_ipairs(t) end
   local i = 0
   return function()
      i = i + 1
      local v = t[i]
      if v == nil then return nil end
      return i, v
   end, t, nil
end

function B.is_proxy(x) return rawget(handles, x) ~= nil or lazy[x] ~= nil end
function B.is_row(x) return row_info[x] ~= nil end
function B.kind(x)
   if lazy[x] ~= nil then return 'tensor' end
   return kinds[x]
end
function B.view_epoch() return epoch end
B.clear_class_caches = clear_class_caches
B.raw_pairs = raw_pairs

return B
