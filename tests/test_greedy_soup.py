"""benchmarks/colorization_greedy_soup.py: the greedy choice of ingredients and the averaging of their weights."""
import os
import sys

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "benchmarks"))
from colorization_greedy_soup import averaged, greedy_soup  # noqa: E402


def closeness_to(target):
    return lambda state: -float((state["w"] - target).abs().sum())


def test_the_soup_is_the_plain_average_of_its_ingredients():
    soup = averaged([{"w": torch.tensor([1.0, 2.0])}, {"w": torch.tensor([3.0, 6.0])}, {"w": torch.tensor([2.0, 1.0])}])
    assert torch.allclose(soup["w"], torch.tensor([2.0, 3.0]))


def test_ingredients_are_kept_only_while_the_average_scores_no_lower():
    states = {"a": {"w": torch.tensor([1.0])}, "b": {"w": torch.tensor([-0.6])}, "far": {"w": torch.tensor([5.0])}}
    lines = []
    soup, score = greedy_soup(states, closeness_to(torch.tensor([0.0])), log=lines.append)
    assert soup == ["b", "a"]  # b scores best alone (|-0.6| < |1|); the average with a, 0.2, is closer still
    assert abs(score - -0.2) < 1e-6
    assert lines[-1].startswith("+ far") and "left out" in lines[-1]


def test_a_single_ingredient_is_its_own_soup():
    soup, score = greedy_soup({"only": {"w": torch.tensor([2.0])}}, closeness_to(torch.tensor([0.0])), log=lambda _: None)
    assert soup == ["only"] and score == -2.0
