"""economy/io"""
