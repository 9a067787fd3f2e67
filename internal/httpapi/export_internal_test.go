package httpapi

// NeutralizeCellForTest exposes neutralizeCell to the external tests.
var NeutralizeCellForTest = neutralizeCell
