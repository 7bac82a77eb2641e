-- Element loops as teaching code writes them: x[i], w[i][j], c[i][j][k], read and written.
local w = torch.Tensor(3, 4)
for i = 1, 3 do for j = 1, 4 do w[i][j] = i * 10 + j end end
print(w:sum(), w[3][4], w[{3, 4}])
local r = w[2]                    -- a row used as a tensor: a view sharing w's storage
print(torch.type(r), r:dim(), r:size(1), r[3], r == w[2])
r:fill(0)
print(w[2][1], w:sum())
local c = torch.Tensor(2, 2, 2)
for i = 1, 2 do for j = 1, 2 do for k = 1, 2 do c[i][j][k] = i * 100 + j * 10 + k end end end
print(c[2][1][2], c[2][2]:sum(), c:sum(), torch.type(c[1]), c[1]:dim())
local rows = {}
for i = 1, 3 do rows[i] = w[i] end
w:resize(6, 2)                    -- the rows keep the geometry they had when taken
print(rows[3]:size(1), rows[3][4], w[3][2])
local b = torch.ByteTensor(2, 2):fill(250)
b[1][1] = 255
local f = torch.FloatTensor(2):fill(0.5)
local l = torch.LongTensor(2, 3):zero()
l[2][3] = 2 ^ 40
print(b[1][1], b[2][2], f[2], l[2][3], torch.type(l[2][3]))
local t = torch.Tensor(4):zero()
local s = 0
for i = 1, t:size(1) do t[i] = i; s = s + t[i] end
print(s, t[4])
