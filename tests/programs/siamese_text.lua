-- a text classifier and a siamese similarity net: LookupTable + TemporalConvolution +
-- max over time, parameter sharing with clone('weight','bias',...), margin criteria.
require 'nn'
require 'optim'
torch.manualSeed(21)

local vocab = {}
local words = {'good', 'great', 'fine', 'bad', 'awful', 'poor', 'the', 'movie', 'was', 'very'}
for i, w in ipairs(words) do vocab[w] = i end
local function encode(sentence, len)
  local ids = torch.Tensor(len):fill(vocab['the'])
  local k = 0
  for w in sentence:gmatch('%S+') do
    k = k + 1
    if k <= len then ids[k] = vocab[w] end
  end
  return ids
end

local positive = {'the movie was good', 'very good movie', 'great movie', 'the movie was fine',
                  'very great', 'good good movie'}
local negative = {'the movie was bad', 'very bad movie', 'awful movie', 'the movie was poor',
                  'very awful', 'poor bad movie'}
local len = 5
local X = torch.Tensor(#positive + #negative, len)
local Y = torch.Tensor(#positive + #negative)
for i, s in ipairs(positive) do X[i] = encode(s, len); Y[i] = 1 end
for i, s in ipairs(negative) do X[#positive + i] = encode(s, len); Y[#positive + i] = 2 end
print('encoded', X:size(1), X:size(2), X[1][4] == vocab['good'])

local encoder = nn.Sequential()
encoder:add(nn.LookupTable(#words, 6))
encoder:add(nn.TemporalConvolution(6, 8, 2))
encoder:add(nn.ReLU())
encoder:add(nn.Max(2))
local classifier = nn.Sequential():add(encoder):add(nn.Linear(8, 2)):add(nn.LogSoftMax())
print(classifier)

local crit = nn.ClassNLLCriterion()
local params, grads = classifier:getParameters()
local state = {learningRate = 0.05}
local function feval(p)
  grads:zero()
  local out = classifier:forward(X)
  local loss = crit:forward(out, Y)
  classifier:backward(X, crit:backward(out, Y))
  return loss, grads
end
local first, last
for i = 1, 60 do
  local _, l = optim.adagrad(feval, params, state)
  first = first or l[1]
  last = l[1]
end
print(string.format('nll %.4f -> %.4f', first, last))
print('classifier learned', last < first / 2)
local _, pred = classifier:forward(X):max(2)
print('train accuracy', pred:double():view(-1):eq(Y):sum() / Y:size(1))

-- siamese: two encoders sharing every parameter, cosine similarity, hinge embedding loss
local twin = encoder:clone('weight', 'bias', 'gradWeight', 'gradBias')
local siamese = nn.Sequential()
siamese:add(nn.ParallelTable():add(encoder):add(twin))
siamese:add(nn.CosineDistance())
local hinge = nn.HingeEmbeddingCriterion(0.5)
local pairsA, pairsB, same = {}, {}, {}
for i = 1, 6 do
  pairsA[#pairsA + 1] = X[i]; pairsB[#pairsB + 1] = X[(i % 6) + 1]; same[#same + 1] = 1
  pairsA[#pairsA + 1] = X[i]; pairsB[#pairsB + 1] = X[6 + i]; same[#same + 1] = -1
end
local A = torch.Tensor(#pairsA, len)
local B = torch.Tensor(#pairsB, len)
for i = 1, #pairsA do A[i] = pairsA[i]; B[i] = pairsB[i] end
local target = torch.Tensor(same)
local sp, sg = siamese:getParameters()
print('shared parameter count', sp:nElement(), 'encoder alone', params:nElement() - (8 * 2 + 2))
local ss = {learningRate = 0.01}
local function seval(p)
  sg:zero()
  -- 1 - cosine as a distance for HingeEmbedding
  local cos = siamese:forward({A, B})
  local dist = torch.ones(cos:size(1)) - cos
  local loss = hinge:forward(dist, target)
  local dloss = hinge:backward(dist, target)
  siamese:backward({A, B}, -dloss)
  return loss, sg
end
local l0, l1
for i = 1, 40 do
  local _, l = optim.adam(seval, sp, ss)
  l0 = l0 or l[1]
  l1 = l[1]
end
print('siamese loss fell', l1 < l0)
print('twin still shares weights', twin:get(1).weight:equal(encoder:get(1).weight),
      torch.pointer(twin:get(2).weight:storage()) == torch.pointer(encoder:get(2).weight:storage()))
local cos = siamese:forward({A, B})
local sameMean = cos:maskedSelect(target:eq(1)):mean()
local diffMean = cos:maskedSelect(target:eq(-1)):mean()
print('same pairs closer than different pairs', sameMean > diffMean)
