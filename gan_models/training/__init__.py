from .recipes import RECIPES, get_recipe

__all__ = ["RECIPES", "get_recipe"]
