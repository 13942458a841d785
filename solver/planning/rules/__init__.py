"""planning/rules"""
