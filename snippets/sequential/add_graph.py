import torch
from torch.utils.tensorboard import SummaryWriter

from torch import nn

from cifar10_model import Tudui  # cifar10_model.py, next to this file

tudui = Tudui()
input = torch.ones((64, 3, 32, 32))

writer = SummaryWriter("logs")
writer.add_graph(tudui, input)
writer.close()
