"""planning/board"""
