//! Documents in and out of Metoda (being written).
