# --8<-- [start:setup]
import torch
import torchvision
from torch import nn
from torch.utils.data import DataLoader

from snippets.course_data import DATA_ROOT
from snippets.sequential.cifar10_model import Tudui

torch.manual_seed(0)
to_tensor = torchvision.transforms.ToTensor()
dataset = torchvision.datasets.CIFAR10(DATA_ROOT, train=False, transform=to_tensor, download=True)
dataloader = DataLoader(dataset, batch_size=1)

tudui = Tudui()
loss = nn.CrossEntropyLoss()
# --8<-- [end:setup]

# --8<-- [start:forward]
imgs, targets = next(iter(dataloader))
outputs = tudui(imgs)
print(outputs)
print(targets)
result_loss = loss(outputs, targets)
print(result_loss)
# --8<-- [end:forward]

# --8<-- [start:backward]
conv1 = tudui.model1[0]
print(conv1.weight.grad)

result_loss.backward()
print(conv1.weight.grad.shape)
print(conv1.weight.grad[0, 0])
# --8<-- [end:backward]
