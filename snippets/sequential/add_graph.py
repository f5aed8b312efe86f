import torch
from torch.utils.tensorboard import SummaryWriter

from snippets.sequential.cifar10_model import Tudui

tudui = Tudui()
input = torch.ones((64, 3, 32, 32))

writer = SummaryWriter("logs")
writer.add_graph(tudui, input)
writer.close()
