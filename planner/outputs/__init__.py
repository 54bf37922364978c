"""The one output room: safe output folders (folder.py), CSV tables (tables.py), spreadsheet
hygiene (cells.py), the XLSX writer (xlsx.py), HTML pages and their escaping (html.py), charts
(charts.py) and terminal tables (text.py). Nothing here knows what a run or a scorecard is."""
