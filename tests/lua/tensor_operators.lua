-- Tensor operators and indexing from Lua, as Torch7 gives them.
local a = torch.Tensor{{1, 2}, {3, 4}}
local b = torch.Tensor{{10, 20}, {30, 40}}
print((a + b):sum(), (a - 1):sum(), (2 * a):sum(), (a * 2):sum(), (-a):sum(), (a / 2):sum())
print((1 + a):sum(), (a - b):sum())
print(a * b)                       -- 2D * 2D is the matrix product
local v = torch.Tensor{1, 2, 3}
print(v * v)                       -- 1D * 1D is the dot product
print(torch.type(#a), #a)
print((#v)[1], #(#a))
print(a[2][1], a[{2, 1}], a[2]:size(1))
a[1][2] = 7
a[{2, 2}] = 9
print(a[1][2], a[2][2])
v[2] = 20
print(v[1], v[2], v[3])
print(a[{{}, 2}]:size(1), a[{{1}, {}}]:dim(), a[{{1}}]:size(1), a[{{1, 2}, {2}}]:size(2))
a[{{}, 1}] = 0
print(a[1][1], a[2][1], a[1][2])
a[{{1}, {}}] = torch.Tensor{{5, 6}}
print(a[1][1], a[1][2])
local mask = v:gt(2)
print(torch.type(mask), v[mask]:sum())
v[mask] = -1
print(v[1], v[2], v[3])
print(tostring(torch.Tensor{5}) == tostring(torch.Tensor{5}), type(tostring(v)))
print(v)
local l = torch.LongTensor{4, 5}
l[1] = 2.7                         -- stored as an integer
print(l[1], l[2], torch.type(l[1]))
local n = torch.Tensor(3, 2)
for i = 1, 3 do for j = 1, 2 do n[i][j] = 10 * i + j end end
print(n[3][2], n:sum())
local t = n:t()                    -- a non-contiguous view
t[2][3] = 0
print(n[3][2], t[1][3])
local ok, err = pcall(function() local x = v[4] end)
print(ok)
