mod best_times;
mod hashtags;
