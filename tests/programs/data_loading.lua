-- data loading as scripts did it: write/read a CSV with io, split strings, build tensors
-- from tables, paths helpers, shuffling with randperm, train/validation split, normalisation.
require 'torch'
require 'paths'
torch.manualSeed(3)

local function split(s, sep)
  local fields = {}
  local pattern = string.format('([^%s]+)', sep)
  s:gsub(pattern, function(c) fields[#fields + 1] = c end)
  return fields
end

local function trim(s) return (s:gsub('^%s+', ''):gsub('%s+$', '')) end

-- write a small CSV file into a temporary directory
local dir = os.tmpname()
os.remove(dir)
paths.mkdir(dir)
print('made dir', paths.dirp(dir))
local csvPath = paths.concat(dir, 'iris_like.csv')
print('basename', paths.basename(csvPath), 'extname', paths.extname(csvPath))
print('dirname ok', paths.dirname(csvPath) == dir)
local f = assert(io.open(csvPath, 'w'))
f:write('sepal_length, sepal_width ,petal_length,label\n')
local labels = {'setosa', 'versicolor', 'virginica'}
for i = 1, 30 do
  local c = (i - 1) % 3 + 1
  local row = {}
  for j = 1, 3 do
    row[j] = string.format('%.3f', c * (j + 0.5) + torch.uniform(-0.5, 0.5))
  end
  row[4] = labels[c]
  f:write(table.concat(row, ',') .. '\n')
end
f:close()
print('file exists', paths.filep(csvPath))

-- read it back
local header
local rows = {}
for line in io.lines(csvPath) do
  if not header then
    header = split(line, ',')
    for i, h in ipairs(header) do header[i] = trim(h) end
  else
    rows[#rows + 1] = split(line, ',')
  end
end
print('columns: ' .. table.concat(header, ' | '))
print('rows', #rows)

local classIndex = {}
for i, name in ipairs(labels) do classIndex[name] = i end
local features = torch.Tensor(#rows, #header - 1)
local targets = torch.Tensor(#rows)
for i, row in ipairs(rows) do
  for j = 1, #header - 1 do features[i][j] = tonumber(row[j]) end
  targets[i] = classIndex[row[#header]]
end
print('class counts', targets:eq(1):sum(), targets:eq(2):sum(), targets:eq(3):sum())

-- a tensor straight from a nested table
local fromTable = torch.Tensor(rows[1] and {{1, 2, 3}, {4, 5, 6}})
print(fromTable:size())

-- mean/std normalisation per column
local mean = features:mean(1)
local std = features:std(1)
features:add(-mean:expandAs(features)):cdiv(std:expandAs(features))
print('column means ~0', features:mean(1):abs():max() < 1e-10)
print('column stds ~1', (features:std(1) - 1):abs():max() < 1e-10)

-- shuffle and split 80/20
local perm = torch.randperm(#rows):long()
local nTrain = math.floor(0.8 * #rows)
local trainX = features:index(1, perm[{{1, nTrain}}])
local trainY = targets:index(1, perm[{{1, nTrain}}])
local validX = features:index(1, perm[{{nTrain + 1, #rows}}])
print('split', trainX:size(1), validX:size(1), trainY:size(1))
print('split keeps all labels', trainY:sum() + targets:index(1, perm[{{nTrain + 1, #rows}}]):sum() == targets:sum())

-- sorting, masks, and table utilities
local scores = torch.Tensor{0.3, 0.9, 0.1, 0.5}
local sorted, order = scores:sort(1, true)
print(sorted)
print(order)
local mask = scores:gt(0.2)
print(scores[mask])
local words = {}
for w in ('the quick brown fox jumps over the lazy dog'):gmatch('%a+') do words[#words + 1] = w end
table.sort(words)
print(table.concat(words, ' '))
local counts = {}
for _, w in ipairs(words) do counts[w] = (counts[w] or 0) + 1 end
print('the appears', counts['the'], 'times')
print(string.format('%5.2f|%-6s|%03d', math.pi, 'ab', 7))
print(('x'):rep(3, ','), ('Hello'):upper(), ('Hello'):lower(), #'Hello')

-- save the processed data set and reload it
local dataPath = paths.concat(dir, 'data.t7')
torch.save(dataPath, {x = trainX, y = trainY, header = header})
local loaded = torch.load(dataPath)
print('reloaded equal', loaded.x:equal(trainX), loaded.y:equal(trainY), loaded.header[4])
local files = {}
for file in paths.files(dir) do
  if file ~= '.' and file ~= '..' then files[#files + 1] = file end
end
table.sort(files)
print('files: ' .. table.concat(files, ', '))
os.remove(csvPath)
os.remove(dataPath)
paths.rmdir(dir)
print('cleaned up', not paths.dirp(dir))
