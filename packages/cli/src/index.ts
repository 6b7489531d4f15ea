export { main } from './main';
export { loadTask, loadSpecialist, builtInTasks, type LoadedTask } from './tasks';
