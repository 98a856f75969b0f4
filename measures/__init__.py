"""Measured, not typed (issue #14): the 五成效 star scores, activities' results, the county
dashboard. The top working floor: it reads liaison, petitions, the stations' own work and
points, and nothing imports it but the demo."""
