# Loaded by `jupyter nbconvert --config=...` (the notebook tests, `npm run notebooks:refresh`).
# nbclient 0.10+ keeps each stream message of a cell as its own output unless `coalesce_streams`
# is set, and that trait is not configurable; Jupyter's pages, and the committed notebooks, show
# a cell's stdout as one output. So nbconvert's executor turns it on before it runs.
from nbconvert.preprocessors import ExecutePreprocessor

_preprocess = ExecutePreprocessor.preprocess


def _coalescing(self, nb, resources=None, km=None):
    self.coalesce_streams = True
    return _preprocess(self, nb, resources, km)


ExecutePreprocessor.preprocess = _coalescing
