"""reportocr: Chinese government annual reports (政府信息公开工作年度报告) into verified data."""
__version__ = "0.1.0"
